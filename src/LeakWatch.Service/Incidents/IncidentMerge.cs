namespace LeakWatch.Service.Incidents;

/// <summary>
/// The merge decision, apart from the SQL that gathers its facts and writes its result: whether a matched document
/// is a new incident, a new version of a known one that adds patients, or a version that adds nobody; and what the
/// incident holds afterwards. Bytes already seen never get here: the recorder looks their digest up first.
/// </summary>
internal static class IncidentMerge
{
    /// <param name="known">
    /// The incident this document is a version of, if any: the latest one seen at the same URL (a page that grew, a file
    /// replaced by a larger one), else the largest one all of whose patients are in this document (a larger copy elsewhere).
    /// </param>
    /// <param name="newPatients">Patients of the document that <paramref name="known"/> does not hold yet; all of them when there is none.</param>
    public static MergeDecision Decide(IncidentVersion? known, MatchedDocument document, long newPatients)
    {
        if (known is null)
        {
            return new(IncidentChange.Created, new IncidentVersion(
                document.Source, document.Url, document.ContentHash, document.Bytes, Revision: 1, LastGrowth: newPatients, document.Rules, document.Fields));
        }
        var rules = known.Rules | document.Rules;
        var fields = known.Fields | document.Fields;
        if (newPatients == 0)
        {
            // Kept as one of the incident's documents; what it matched by is added, but it is not the latest version.
            return new(IncidentChange.NothingNew, known with { Rules = rules, Fields = fields });
        }
        return new(IncidentChange.Grew, new IncidentVersion(
            document.Source, document.Url, document.ContentHash, document.Bytes, known.Revision + 1, LastGrowth: newPatients, rules, fields));
    }
}
