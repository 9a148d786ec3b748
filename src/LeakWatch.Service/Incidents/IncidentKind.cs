namespace LeakWatch.Service.Incidents;

/// <summary>What an incident is about. Stored by its <see cref="IncidentKinds.Id"/>: never renumber or rename.</summary>
internal enum IncidentKind
{
    /// <summary>Our patients in a document.</summary>
    Patients = 0,
    /// <summary>A canary identity in a document: the system it was planted in leaked. Highest confidence.</summary>
    Canary,
    /// <summary>A crawled thread title or post holding one of the lab's watched terms, patients or not.</summary>
    EarlyWarning,
    /// <summary>A document shaped like French health data (many valid NIRs or identity rows) holding none of ours. Informational.</summary>
    SuspiciousDump,
}

/// <summary>The stable text ids of <see cref="IncidentKind"/>: the database column, the console's filter, alerts' <c>kind</c>.</summary>
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
        kind = IncidentKind.Patients;
        return false;
    }

    /// <summary>How a person reads the kind (console, alerts).</summary>
    public static string Label(IncidentKind kind) => kind switch
    {
        IncidentKind.Canary => "Canary",
        IncidentKind.EarlyWarning => "Early warning",
        IncidentKind.SuspiciousDump => "Suspicious dump",
        _ => "Patients",
    };
}
