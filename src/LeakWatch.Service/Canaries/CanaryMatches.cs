using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Canaries;

/// <summary>Tells the canaries found in a document from its patients.</summary>
internal static class CanaryMatches
{
    /// <summary>
    /// Splits what the matcher found into patients and canaries (by reference), with the document's shape. A canary
    /// counts from medium confidence up (its NIR, its name and birth date, its phone with its name): a bare phone
    /// or e-mail is too weak to accuse a system, as it is too weak to report a patient by default.
    /// </summary>
    public static (List<PatientMatch> Patients, DocumentSignals Signals) Split(List<PatientMatch> found, CanaryBook canaries, DocumentMatches matches)
    {
        var canaryMatches = new List<CanaryMatch>();
        if (canaries.Count > 0)
        {
            var patients = new List<PatientMatch>(found.Count);
            foreach (var match in found)
            {
                if (canaries.SystemOf(match.Patient) is not { } system) patients.Add(match);
                else if (match.Confidence >= Confidence.Medium) canaryMatches.Add(new CanaryMatch(system, match));
            }
            found = patients;
        }
        return (found, new DocumentSignals(canaryMatches, matches.ValidNirRecords, matches.IdentityRecords));
    }
}
