using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace LeakWatch.Service.Configuration;

/// <summary>A section of the configuration and the options class bound to it.</summary>
internal sealed record OptionsSection(string Path, Type OptionsType);

/// <summary>
/// How every feature binds its options: the configuration binder with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>,
/// so that a misspelt setting stops the service and every verb instead of silently meaning its default, and checked at
/// start (<c>ValidateOnStart</c>). A failure names the setting in full (<c>LeakWatch:Alerting:Channels:0:MinPatient</c>)
/// and never its value when it is text (a secret written in the wrong place is not echoed).
/// </summary>
/// <remarks>
/// Several features share the top of section <c>LeakWatch</c> (Storage's DataDirectory, Keys' KeyFile, Crawling's
/// Sources) and every feature's section lives under it: each class is bound to its section less the keys that the
/// other registered classes own, so a key nobody owns is refused and a key another feature owns is left to it.
/// The keys of a dictionary are data, never settings: the binder checks only what it binds to properties.
/// </remarks>
internal static partial class StrictOptions
{
    private const string UnknownPrefix = "'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of ";

    /// <summary>Binds <typeparamref name="T"/> to the section at <paramref name="sectionPath"/>, refusing unknown keys, checked at start.</summary>
    public static OptionsBuilder<T> AddStrictOptions<T>(this IServiceCollection services, string sectionPath) where T : class
    {
        services.AddSingleton(new OptionsSection(sectionPath, typeof(T)));
        services.AddSingleton<IOptionsChangeTokenSource<T>>(sp => new ConfigurationChangeTokenSource<T>(Options.DefaultName, sp.GetRequiredService<IConfiguration>()));
        return services.AddOptions<T>()
            .Configure<IConfiguration, IEnumerable<OptionsSection>>((options, configuration, sections) => Bind(options, configuration, sectionPath, sections))
            .ValidateOnStart();
    }

    private static void Bind<T>(T options, IConfiguration configuration, string path, IEnumerable<OptionsSection> sections) where T : class
    {
        var section = View(configuration.GetSection(path), OwnedElsewhere(path, typeof(T), sections));
        var listed = new ListedSections();
        try
        {
            new TrackedSection(section, listed).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), Failures(e, section, listed.Last));
        }
    }

    /// <summary>The keys directly under <paramref name="path"/> that other registrations bind: their properties there, or their sections below.</summary>
    private static HashSet<string> OwnedElsewhere(string path, Type type, IEnumerable<OptionsSection> sections)
    {
        var owned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var other in sections)
        {
            if (other.OptionsType == type) continue;
            if (string.Equals(other.Path, path, StringComparison.OrdinalIgnoreCase))
            {
                owned.UnionWith(other.OptionsType.GetProperties().Select(p => p.Name));
            }
            else if (other.Path.StartsWith(path + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase))
            {
                owned.Add(other.Path[(path.Length + 1)..].Split(ConfigurationPath.KeyDelimiter)[0]);
            }
        }
        return owned;
    }

    /// <summary>The section without the children other classes own; the paths stay the real ones, for the messages.</summary>
    private static IConfigurationSection View(IConfigurationSection section, HashSet<string> ownedElsewhere)
    {
        if (!section.GetChildren().Any(c => ownedElsewhere.Contains(c.Key))) return section;
        var prefix = section.Path + ConfigurationPath.KeyDelimiter;
        var kept = section.AsEnumerable()
            .Where(kv => !kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                || !ownedElsewhere.Contains(kv.Key[prefix.Length..].Split(ConfigurationPath.KeyDelimiter)[0]));
        return new ConfigurationBuilder().AddInMemoryCollection(kept).Build().GetSection(section.Path);
    }

    /// <summary>The binder's complaint, as messages that name each setting in full.</summary>
    /// <param name="listed">The last section whose keys the binder listed: where it found the unknown ones.</param>
    private static List<string> Failures(InvalidOperationException exception, IConfigurationSection section, IConfigurationSection? listed)
    {
        Exception cause = exception;
        while (cause.InnerException is InvalidOperationException inner) cause = inner;
        if (cause.Message.StartsWith(UnknownPrefix, StringComparison.Ordinal) && listed is not null)
        {
            // The binder names the keys and the class, not where they are.
            var names = cause.Message[UnknownPrefix.Length..].Split(": ", 2)[^1];
            var unknown = QuotedNames().Matches(names).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var paths = listed.GetChildren().Where(c => unknown.Contains(c.Key)).Select(c => c.Path).Order(StringComparer.Ordinal).ToList();
            if (paths.Count > 0) return [.. paths.Select(Unknown)];
        }
        else if (ConversionFailure().Match(cause.Message) is { Success: true } failure)
        {
            return [Unconvertible(failure.Groups["path"].Value, failure.Groups["value"].Value, TypeNamed(failure.Groups["type"].Value))];
        }
        return [section.Path + ": " + cause.Message];
    }

    private static string Unknown(string path)
    {
        var key = path[(path.LastIndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal) + 1)..];
        var secret = key.Contains("password", StringComparison.OrdinalIgnoreCase)
            || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || key.Contains("token", StringComparison.OrdinalIgnoreCase);
        return secret
            ? $"{path} is not a setting: secrets are never written in the configuration; name a file or an environment variable (PasswordFile, PasswordEnvironmentVariable, SecretFile, SecretEnvironmentVariable)."
            : $"{path} is not a setting (check its spelling and its section).";
    }

    /// <summary>Only values the binder could not convert to an enum, a number, a duration or a flag get here: never text, so never a secret.</summary>
    private static string Unconvertible(string path, string value, Type? type) =>
        type switch
        {
            { IsEnum: true } => $"{path}: '{value}' is not one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}.",
            _ when type == typeof(TimeSpan) => $"{path}: '{value}' is not a valid duration (hh:mm:ss).",
            _ when type == typeof(bool) => $"{path}: '{value}' is not true or false.",
            { IsPrimitive: true } or { FullName: "System.Decimal" } => $"{path}: '{value}' is not a valid number.",
            _ => $"{path}: '{value}' cannot be read as a {type?.Name ?? "value of this setting"}.",
        };

    /// <summary>A type the binder named, from whichever loaded assembly has it (LeakWatch's enums live in two).</summary>
    private static Type? TypeNamed(string name) =>
        Type.GetType(name) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedNames();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']*)' to type '(?<type>[^']*)'\.$", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    private sealed class ListedSections
    {
        public IConfigurationSection? Last { get; set; }
    }

    /// <summary>
    /// The section as the binder sees it, remembering the last one whose keys it listed: the binder lists a section's
    /// keys to compare them with the class's properties and throws right after, naming the keys but not the section.
    /// </summary>
    private sealed class TrackedSection(IConfigurationSection inner, ListedSections listed) : IConfigurationSection
    {
        public string? this[string key]
        {
            get => inner[key];
            set => inner[key] = value;
        }

        public string Key => inner.Key;

        public string Path => inner.Path;

        public string? Value
        {
            get => inner.Value;
            set => inner.Value = value;
        }

        public IConfigurationSection GetSection(string key) => new TrackedSection(inner.GetSection(key), listed);

        public IEnumerable<IConfigurationSection> GetChildren()
        {
            listed.Last = inner;
            return inner.GetChildren().Select(c => new TrackedSection(c, listed));
        }

        public IChangeToken GetReloadToken() => inner.GetReloadToken();
    }
}
