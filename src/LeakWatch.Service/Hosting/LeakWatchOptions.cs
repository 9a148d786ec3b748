using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary>Where LeakWatch keeps its state and its key. Section <c>LeakWatch</c>.</summary>
internal sealed class LeakWatchOptions
{
    public const string SectionName = "LeakWatch";

    /// <summary>The data folder (database). Relative paths are taken from the current directory.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "LeakWatch:DataDirectory must name a folder (default: data).")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The secret key file. Empty means the per-user default outside the data folder, so that a copy of the data
    /// folder alone is useless. The environment variable LEAKWATCH_KEY (base64) takes precedence over any file.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// A ceiling on the database's size, in MiB (0: none). Past it a write fails exactly as on a full disk, with the
    /// same message and the previous data intact: a guard for a shared disk, and how tests make a full disk where they
    /// cannot mount a small file system.
    /// </summary>
    [Range(0, 1 << 30, ErrorMessage = "LeakWatch:MaxDatabaseMegabytes must be 0 (no limit) or a size in MiB.")]
    public int MaxDatabaseMegabytes { get; set; }

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    /// <summary>Empty while DataDirectory is unset: validation reads every property and reports the setting instead.</summary>
    public string DatabasePath => string.IsNullOrWhiteSpace(DataDirectory) ? "" : Path.Combine(ResolveDataDirectory(), "leakwatch.db");

    public string ResolveKeyFile() =>
        string.IsNullOrWhiteSpace(KeyFile)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "LeakWatch", "leakwatch.key")
            : Path.GetFullPath(KeyFile);
}

/// <summary>Checks what DataAnnotations cannot: that the paths are usable and that the key lives apart from the data.</summary>
internal sealed class LeakWatchOptionsValidator : IValidateOptions<LeakWatchOptions>
{
    public ValidateOptionsResult Validate(string? name, LeakWatchOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory)) return ValidateOptionsResult.Skip; // DataAnnotations says it
        var failures = new List<string>();
        string? data = null;
        try
        {
            data = options.ResolveDataDirectory();
            if (File.Exists(data)) failures.Add($"LeakWatch:DataDirectory '{data}' is a file; it must be a folder.");
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            failures.Add($"LeakWatch:DataDirectory '{options.DataDirectory}' is not a usable path ({e.Message}).");
        }

        try
        {
            var key = options.ResolveKeyFile();
            if (!Path.IsPathRooted(key))
            {
                failures.Add("LeakWatch:KeyFile is not set and this account has no per-user folder to keep the key in; set LeakWatch:KeyFile.");
            }
            else if (Directory.Exists(key))
            {
                failures.Add($"LeakWatch:KeyFile '{key}' is a folder; it must name a file.");
            }
            else if (data is not null && IsInside(key, data))
            {
                failures.Add($"LeakWatch:KeyFile '{key}' is inside LeakWatch:DataDirectory; keep the key apart, so that a copy of the data folder is useless.");
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            failures.Add($"LeakWatch:KeyFile '{options.KeyFile}' is not a usable path ({e.Message}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
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
