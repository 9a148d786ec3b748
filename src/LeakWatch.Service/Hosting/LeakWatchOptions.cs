using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.Hosting;

/// <summary>Where LeakWatch keeps its state and its key. Section <c>LeakWatch</c>.</summary>
internal sealed class LeakWatchOptions
{
    public const string SectionName = "LeakWatch";

    /// <summary>The data folder (database). Relative paths are taken from the current directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The secret key file. Empty means the per-user default outside the data folder, so that a copy of the data
    /// folder alone is useless. The environment variable LEAKWATCH_KEY (base64) takes precedence over any file.
    /// </summary>
    public string? KeyFile { get; set; }

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string DatabasePath => Path.Combine(ResolveDataDirectory(), "leakwatch.db");

    public string ResolveKeyFile() =>
        string.IsNullOrWhiteSpace(KeyFile)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "LeakWatch", "leakwatch.key")
            : Path.GetFullPath(KeyFile);
}
