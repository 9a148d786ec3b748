using System.Text;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// The fingerprints of one batch of rows, in row order: what a worker hands to the writer. Only keys and counts;
/// the rows' values are dropped with the batch.
/// </summary>
internal sealed class BatchFingerprints : IFingerprintSink
{
    private BatchFingerprints(int rows)
    {
        Patients = new List<Fingerprint>(rows);
        LinkedEnds = new List<int>(rows);
        Linked = new List<ulong>(rows * 12);
        SetMembers = new List<ulong>(rows * 8);
    }

    public List<Fingerprint> Patients { get; }

    /// <summary>For each patient, the end (exclusive) of its range in <see cref="Linked"/>.</summary>
    public List<int> LinkedEnds { get; }

    public List<ulong> Linked { get; }

    public List<ulong> SetMembers { get; }

    public Dictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);

    public static BatchFingerprints Compute(Fingerprinter fingerprinter, IReadOnlyList<RawPatient> rows)
    {
        var result = new BatchFingerprints(rows.Count);
        foreach (var row in rows)
        {
            NormalizationOutcome outcome;
            try
            {
                outcome = IdentityNormalizer.Normalize(row);
            }
            catch (Exception)
            {
                // One row the normalizer chokes on is skipped and counted, never fatal; the exception is not kept,
                // since its message could quote the row.
                result.Skip("normalizer-error");
                continue;
            }
            if (outcome.Identity is not { } identity)
            {
                result.Skip(outcome.Skipped is { } reason ? ReasonName(reason.ToString()) : "not-identifying");
                continue;
            }
            result.Patients.Add(FingerprintRecipe.PatientRef(fingerprinter, identity.LocalId));
            FingerprintRecipe.Fingerprint(fingerprinter, identity, result);
            result.LinkedEnds.Add(result.Linked.Count);
        }
        return result;
    }

    void IFingerprintSink.Linked(FingerprintKind kind, Fingerprint fingerprint) => Linked.Add(FingerprintSnapshot.Key(fingerprint));

    void IFingerprintSink.SetMember(FingerprintKind kind, Fingerprint fingerprint) => SetMembers.Add(FingerprintSnapshot.Key(fingerprint));

    private void Skip(string reason) => Skipped[reason] = Skipped.GetValueOrDefault(reason) + 1;

    /// <summary>MissingIdentifier -> missing-identifier: the reasons as the summary prints them.</summary>
    internal static string ReasonName(string reason)
    {
        var name = new StringBuilder(reason.Length + 4);
        foreach (var c in reason)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append('-');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }
}
