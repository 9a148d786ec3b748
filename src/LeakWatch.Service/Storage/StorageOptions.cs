using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Storage;

/// <summary>Where LeakWatch keeps its state. Settings at the top of section <c>LeakWatch</c> (LeakWatch:DataDirectory).</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "LeakWatch";

    /// <summary>The data folder (database). Relative paths are taken from the current directory.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "LeakWatch:DataDirectory must name a folder (default: data).")]
    public string DataDirectory { get; set; } = "data";

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
}

/// <summary>Checks what DataAnnotations cannot: that the data folder is a usable path.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory)) return ValidateOptionsResult.Skip; // DataAnnotations says it
        try
        {
            var data = options.ResolveDataDirectory();
            return File.Exists(data)
                ? ValidateOptionsResult.Fail($"LeakWatch:DataDirectory '{data}' is a file; it must be a folder.")
                : ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return ValidateOptionsResult.Fail($"LeakWatch:DataDirectory '{options.DataDirectory}' is not a usable path ({e.Message}).");
        }
    }
}
