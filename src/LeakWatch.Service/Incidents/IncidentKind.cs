namespace LeakWatch.Service.Incidents;

/// <summary>
/// What an incident is about. Stored as its id in <c>incidents.kind</c>: never renumber one; a new kind takes the
/// next id. Incidents of different kinds never merge: each kind has its own documents and versions.
/// </summary>
internal enum IncidentKind : long // stored as a SQLite integer: Dapper maps it into records as is
{
    /// <summary>Patients of the lab's base found in a document.</summary>
    PatientLeak = 1,

    /// <summary>A canary identity in a document: the system it was planted in leaked. Recorded at the highest confidence.</summary>
    Canary = 2,

    /// <summary>A crawled thread title or post holding one of the lab's watched terms, patients or not. Lower severity.</summary>
    EarlyWarning = 3,

    /// <summary>A document shaped like French health data (many valid NIRs or identity rows) holding none of ours. Informational.</summary>
    SuspiciousDump = 4,
}

/// <summary>The kinds' names outside the database: the console's filter, alerts' <c>kind</c>, the README.</summary>
internal static class IncidentKinds
{
    public static IReadOnlyList<IncidentKind> All { get; } = Enum.GetValues<IncidentKind>();

    public static string Id(IncidentKind kind) => kind switch
    {
        IncidentKind.Canary => "canary",
        IncidentKind.EarlyWarning => "early-warning",
        IncidentKind.SuspiciousDump => "suspicious-dump",
        _ => "patients",
    };

    public static bool TryParse(string? id, out IncidentKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Id(candidate), id, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }
        kind = IncidentKind.PatientLeak;
        return false;
    }
}
