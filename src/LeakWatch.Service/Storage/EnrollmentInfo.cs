namespace LeakWatch.Service.Storage;

/// <summary>What is known about an enrollment: counts, times and the export's file name. Never a patient value.</summary>
/// <param name="Notes">Lines for the summary about canaries met in the export (systems and counts).</param>
internal sealed record EnrollmentInfo(
    long Id,
    DateTimeOffset EnrolledAt,
    string FileName,
    long RowsRead,
    int Patients,
    long LinkedFingerprints,
    long SetMembers,
    long RowsSkipped,
    IReadOnlyDictionary<string, long> SkippedByReason,
    TimeSpan Duration,
    long DuplicateRows = 0,
    IReadOnlyList<string>? Notes = null)
{
    /// <summary>Patients once rows repeating an identifier are merged into one.</summary>
    public long DistinctPatients => Patients - DuplicateRows;
}

/// <summary>The counts an enrollment ends with, handed to <see cref="EnrollmentWriter.CommitAsync"/>.</summary>
internal sealed record EnrollmentTotals(long RowsRead, IReadOnlyDictionary<string, long> SkippedByReason, TimeSpan Duration);
