using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Keys;

/// <summary>Where the secret key is kept. Settings at the top of section <c>LeakWatch</c> (LeakWatch:KeyFile).</summary>
internal sealed class KeyOptions
{
    public const string SectionName = "LeakWatch";

    /// <summary>
    /// The secret key file. Empty means the per-user default outside the data folder, so that a copy of the data
    /// folder alone is useless. The environment variable LEAKWATCH_KEY (base64) takes precedence over any file.
    /// </summary>
    public string? KeyFile { get; set; }

    public string ResolveKeyFile() =>
        string.IsNullOrWhiteSpace(KeyFile)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "LeakWatch", "leakwatch.key")
            : Path.GetFullPath(KeyFile);
}

/// <summary>Checks that the key file is a usable path and that the key lives apart from the data.</summary>
internal sealed class KeyOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<KeyOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        try
        {
            var key = options.ResolveKeyFile();
            if (!Path.IsPathRooted(key))
            {
                return ValidateOptionsResult.Fail("LeakWatch:KeyFile is not set and this account has no per-user folder to keep the key in; set LeakWatch:KeyFile.");
            }
            if (Directory.Exists(key))
            {
                return ValidateOptionsResult.Fail($"LeakWatch:KeyFile '{key}' is a folder; it must name a file.");
            }
            if (DataDirectory() is { } data && IsInside(key, data))
            {
                return ValidateOptionsResult.Fail($"LeakWatch:KeyFile '{key}' is inside LeakWatch:DataDirectory; keep the key apart, so that a copy of the data folder is useless.");
            }
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return ValidateOptionsResult.Fail($"LeakWatch:KeyFile '{options.KeyFile}' is not a usable path ({e.Message}).");
        }
    }

    /// <summary>The data folder, or null when its own settings are wrong (the storage options report that themselves).</summary>
    private string? DataDirectory()
    {
        try
        {
            return storage.Value.ResolveDataDirectory();
        }
        catch (Exception e) when (e is OptionsValidationException or ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    /// <summary>Compared as real paths, links followed on both sides: a link must not smuggle the key into the data.</summary>
    private static bool IsInside(string file, string folder)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = Path.TrimEndingDirectorySeparator(RealPath(folder)) + Path.DirectorySeparatorChar;
        return RealPath(file).StartsWith(prefix, comparison) || file.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, comparison);
    }

    /// <summary>
    /// The path with every link along it followed, as far as it exists; the part that does not exist yet (a key file
    /// or data folder still to be created) is appended as written.
    /// </summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        var segments = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        for (var hops = 0; segments.Count > 0;)
        {
            var next = Path.Combine(current, segments.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target && hops++ < 40)
            {
                // Resolve the target from the folder holding the link, then walk what remains from there.
                var resolved = Path.GetFullPath(target, current);
                var rest = segments.ToArray();
                var resolvedRoot = Path.GetPathRoot(resolved) ?? "";
                segments = new Queue<string>(resolved[resolvedRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = resolvedRoot;
                continue;
            }
            current = next;
        }
        return current;
    }
}
