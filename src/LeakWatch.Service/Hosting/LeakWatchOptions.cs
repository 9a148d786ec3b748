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

    private static bool IsInside(string file, string folder)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return file.StartsWith(prefix, comparison);
    }
}
