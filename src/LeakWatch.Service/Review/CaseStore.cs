using System.Globalization;
using Dapper;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Review;

/// <summary>
/// Reads Alerting's incidents (never writes them) and keeps the review's own state beside them: status, decision,
/// assignment, notification dates, comments. Each action and its audit entry commit in one transaction.
/// </summary>
internal sealed class CaseStore(Database database, AuditLog audit, TimeProvider time)
{
    public const int PageSize = 25;

    public async Task<IncidentPage> ListAsync(IncidentFilter filter, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            Status = filter.Status,
            Confidence = filter.Confidence,
            Source = filter.Source,
            Kind = filter.Kind is { } id && IncidentKinds.TryParse(id, out var kind) ? (long?)kind : null,
            From = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            To = filter.To?.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Limit = PageSize,
            Offset = (Math.Max(1, filter.Page) - 1) * PageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) " + ListFrom, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<IncidentRow, ListExtra, IncidentListItem>(new CommandDefinition(
            "SELECT " + Prefixed + ", COALESCE(c.status, 'new') AS Status, c.assigned_to AS AssignedTo " + ListFrom +
            " ORDER BY i.first_seen DESC, i.id DESC LIMIT @Limit OFFSET @Offset", parameters, cancellationToken: cancellationToken),
            (incident, extra) => new IncidentListItem(incident, extra.Status, extra.AssignedTo), splitOn: "Status");
        return new IncidentPage([.. rows], total, Math.Max(1, filter.Page), PageSize);
    }

    public async Task<IReadOnlyList<string>> SourcesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT source FROM incidents ORDER BY source", cancellationToken: cancellationToken))];
    }

    public async Task<IncidentDetail?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var incident = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            "SELECT " + IncidentRow.Columns + " FROM incidents WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        if (incident is null) return null;
        var review = await connection.QuerySingleOrDefaultAsync<ReviewCase>(new CommandDefinition(
            "SELECT " + ReviewCase.Columns + " FROM review_cases WHERE incident_id = @Id", new { Id = id }, cancellationToken: cancellationToken))
            ?? new ReviewCase { IncidentId = id };
        var documents = await connection.QueryAsync<IncidentDocument>(new CommandDefinition("""
            SELECT content_hash AS ContentHash, source AS Source, url AS Url, bytes AS Bytes, patients AS Patients,
                   first_seen AS FirstSeen, last_seen AS LastSeen
            FROM incident_documents WHERE incident_id = @Id ORDER BY first_seen, content_hash
            """, new { Id = id }, cancellationToken: cancellationToken));
        var comments = await connection.QueryAsync<ReviewComment>(new CommandDefinition(
            "SELECT id AS Id, author AS Author, at AS At, body AS Body FROM review_comments WHERE incident_id = @Id ORDER BY id",
            new { Id = id }, cancellationToken: cancellationToken));
        return new IncidentDetail(incident, review, [.. documents], [.. comments]);
    }

    /// <summary>The opaque references of the incident's patients with their best confidence and rules, for <c>resolve</c>.</summary>
    public async IAsyncEnumerable<(byte[] Patient, long Confidence, MatchedRules Rules)> PatientsAsync(long id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT patient, confidence, rules FROM incident_patients WHERE incident_id = @Id ORDER BY confidence DESC, patient",
            new { Id = id }, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ((byte[])reader.GetValue(0), reader.GetInt64(1), (MatchedRules)reader.GetInt64(2));
        }
    }

    public Task ConfirmAsync(long id, string actor, string address, CancellationToken cancellationToken) =>
        ChangeAsync(id, "status = 'confirmed', decided_by = @Actor, decided_at = @Now, dismiss_reason = NULL", new { },
            new AuditEvent(actor, AuditActions.IncidentConfirmed, AuditActions.IncidentTarget(id), "", address), cancellationToken);

    public Task DismissAsync(long id, string reason, string actor, string address, CancellationToken cancellationToken) =>
        ChangeAsync(id, "status = 'dismissed', decided_by = @Actor, decided_at = @Now, dismiss_reason = @Reason", new { Reason = reason },
            new AuditEvent(actor, AuditActions.IncidentDismissed, AuditActions.IncidentTarget(id), "false positive", address), cancellationToken);

    public Task AssignAsync(long id, string? assignee, string actor, string address, CancellationToken cancellationToken) =>
        ChangeAsync(id, "assigned_to = @Assignee", new { Assignee = assignee },
            new AuditEvent(actor, AuditActions.IncidentAssigned, AuditActions.IncidentTarget(id), assignee is null ? "unassigned" : "to " + assignee, address), cancellationToken);

    public Task SetCnilNotifiedAsync(long id, DateOnly date, string actor, string address, CancellationToken cancellationToken) =>
        ChangeAsync(id, "cnil_notified_on = @Date", new { Date = Day(date) },
            new AuditEvent(actor, AuditActions.CnilNotified, AuditActions.IncidentTarget(id), "on " + Day(date), address), cancellationToken);

    public Task SetPatientsNotifiedAsync(long id, DateOnly date, string actor, string address, CancellationToken cancellationToken) =>
        ChangeAsync(id, "patients_notified_on = @Date", new { Date = Day(date) },
            new AuditEvent(actor, AuditActions.PatientsNotified, AuditActions.IncidentTarget(id), "on " + Day(date), address), cancellationToken);

    public async Task CommentAsync(long id, string body, string actor, string address, CancellationToken cancellationToken)
    {
        var key = await audit.KeyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var commentId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO review_comments (incident_id, author, at, body) VALUES (@Id, @Actor, @Now, @Body) RETURNING id",
            new { Id = id, Actor = actor, Now = DbTime.Text(time.GetUtcNow()), Body = body }, transaction, cancellationToken: cancellationToken));
        await audit.AppendAsync(connection, transaction, new AuditEvent(actor, AuditActions.IncidentCommented, AuditActions.IncidentTarget(id),
            "comment " + commentId.ToString(CultureInfo.InvariantCulture), address), key, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task ChangeAsync(long id, string set, object extra, AuditEvent entry, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("Id", id);
        parameters.Add("Actor", entry.Actor);
        parameters.Add("Now", DbTime.Text(time.GetUtcNow()));
        var key = await audit.KeyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO review_cases (incident_id, status, updated_at) VALUES (@Id, 'new', @Now) ON CONFLICT (incident_id) DO NOTHING",
            parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE review_cases SET " + set + ", updated_at = @Now WHERE incident_id = @Id", parameters, transaction, cancellationToken: cancellationToken));
        await audit.AppendAsync(connection, transaction, entry, key, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class ListExtra
    {
        public string Status { get; init; } = CaseStatus.New;
        public string? AssignedTo { get; init; }
    }

    private const string Prefixed =
        "i.id AS Id, i.source AS Source, i.url AS Url, i.content_hash AS ContentHash, i.bytes AS Bytes, i.first_seen AS FirstSeen, " +
        "i.last_seen AS LastSeen, i.revision AS Revision, i.patients_high AS PatientsHigh, i.patients_medium AS PatientsMedium, " +
        "i.patients_low AS PatientsLow, i.patients_total AS PatientsTotal, i.last_growth AS LastGrowth, i.rules AS Rules, i.fields AS Fields, " +
        "i.kind AS Kind, i.system AS System, i.terms AS Terms, i.records AS Records, i.valid_nirs AS ValidNirs, i.identity_rows AS IdentityRows";

    private const string ListFrom = """
        FROM incidents i LEFT JOIN review_cases c ON c.incident_id = i.id
        WHERE (@Status IS NULL OR COALESCE(c.status, 'new') = @Status)
          AND (@Source IS NULL OR i.source = @Source)
          AND (@Kind IS NULL OR i.kind = @Kind)
          AND (@From IS NULL OR i.first_seen >= @From)
          AND (@To IS NULL OR i.first_seen < @To)
          AND (@Confidence IS NULL
               OR (@Confidence = 'high' AND i.patients_high > 0)
               OR (@Confidence = 'medium' AND i.patients_high + i.patients_medium > 0)
               OR (@Confidence = 'low' AND i.patients_total > 0))
        """;
}
