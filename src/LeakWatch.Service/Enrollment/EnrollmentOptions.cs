using System.ComponentModel.DataAnnotations;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// When a new export is refused rather than allowed to shrink the watched base. Section <c>LeakWatch:Enrollment</c>.
/// A refused enrollment leaves the active one in place; <c>enroll --force</c> accepts it anyway.
/// </summary>
internal sealed class EnrollmentOptions
{
    public const string SectionName = "LeakWatch:Enrollment";

    /// <summary>A new enrollment with fewer patients than this share of the active one's is refused.</summary>
    [Range(0.0, 1.0, ErrorMessage = "LeakWatch:Enrollment:MinimumShareOfActive must be between 0 and 1 (default 0.9).")]
    public double MinimumShareOfActive { get; set; } = 0.9;

    /// <summary>A new enrollment that skipped more than this share of the export's rows is refused.</summary>
    [Range(0.0, 1.0, ErrorMessage = "LeakWatch:Enrollment:MaximumSkippedShare must be between 0 and 1 (default 0.01).")]
    public double MaximumSkippedShare { get; set; } = 0.01;

    /// <summary>
    /// Rows that could not be read at all (unbalanced quote, too many cells, too long) tolerated before the export is
    /// refused as damaged. Default 0: such a row may be any patient, and the export is better corrected at the source.
    /// </summary>
    [Range(0, long.MaxValue, ErrorMessage = "LeakWatch:Enrollment:MaximumUnreadableRows must be 0 or more (default 0).")]
    public long MaximumUnreadableRows { get; set; }
}

/// <summary>An enrollment refused by <see cref="EnrollmentOptions"/>: the message gives the counts; nothing was changed.</summary>
internal sealed class EnrollmentRefusedException(string message, IReadOnlyDictionary<string, long> skippedByReason)
    : LeakWatchException(message, ExitCodes.BadConfiguration)
{
    public IReadOnlyDictionary<string, long> SkippedByReason { get; } = skippedByReason;
}
