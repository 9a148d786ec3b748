using LeakWatch.Service.Incidents;

namespace LeakWatch.Service.Review;

internal static class CaseStatus
{
    public const string New = "new";
    public const string Confirmed = "confirmed";
    public const string Dismissed = "dismissed";

    public static IReadOnlyList<string> All { get; } = [New, Confirmed, Dismissed];
}

/// <summary>A <c>review_cases</c> row; an incident nobody acted on yet has the defaults.</summary>
internal sealed class ReviewCase
{
    public const string Columns =
        "incident_id AS IncidentId, status AS Status, decided_by AS DecidedBy, decided_at AS DecidedAt, dismiss_reason AS DismissReason, " +
        "assigned_to AS AssignedTo, cnil_notified_on AS CnilNotifiedOn, patients_notified_on AS PatientsNotifiedOn, updated_at AS UpdatedAt";

    public long IncidentId { get; init; }
    public string Status { get; init; } = CaseStatus.New;
    public string? DecidedBy { get; init; }
    public string? DecidedAt { get; init; }
    public string? DismissReason { get; init; }
    public string? AssignedTo { get; init; }
    public string? CnilNotifiedOn { get; init; }
    public string? PatientsNotifiedOn { get; init; }
    public string? UpdatedAt { get; init; }
}

/// <summary>An incident as the list shows it: Alerting's row and the review's status.</summary>
internal sealed record IncidentListItem(IncidentRow Incident, string Status, string? AssignedTo);

internal sealed record IncidentPage(IReadOnlyList<IncidentListItem> Items, long Total, int Page, int PageSize)
{
    public int Pages => (int)Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The list's filters, as the query string carries them.</summary>
/// <param name="Kind">An <see cref="Incidents.IncidentKinds.Id"/> (patients, canary, early-warning, suspicious-dump), or null for all.</param>
internal sealed record IncidentFilter(string? Status, string? Confidence, string? Source, DateOnly? From, DateOnly? To, int Page, string? Kind = null);

/// <summary>One version of the document (<c>incident_documents</c>): the incident's growth over time.</summary>
internal sealed class IncidentDocument
{
    public string ContentHash { get; init; } = "";
    public string Source { get; init; } = "";
    public string Url { get; init; } = "";
    public long Bytes { get; init; }
    public long Patients { get; init; }
    public string FirstSeen { get; init; } = "";
    public string LastSeen { get; init; } = "";
}

internal sealed class ReviewComment
{
    public long Id { get; init; }
    public string Author { get; init; } = "";
    public string At { get; init; } = "";
    public string Body { get; init; } = "";
}

internal sealed record IncidentDetail(IncidentRow Incident, ReviewCase Case, IReadOnlyList<IncidentDocument> Documents, IReadOnlyList<ReviewComment> Comments);
