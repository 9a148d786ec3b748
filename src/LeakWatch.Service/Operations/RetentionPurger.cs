using System.Data.Common;
using Dapper;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Operations;

/// <summary>What one purge removed, by kind. Counts only.</summary>
internal sealed record PurgeCounts(DateTimeOffset At, long Incidents, long SeenContent, long CrawlPages, long CrawlCursors, long DeliveredAlerts)
{
    public long Total => Incidents + SeenContent + CrawlPages + CrawlCursors + DeliveredAlerts;
}

/// <summary>Where a purge's counts are recorded: the console's audit log (<see cref="AuditedRetention"/>).</summary>
internal interface IRetentionAudit
{
    /// <summary>
    /// Asked before the purge's write transaction opens (getting the audit key may itself write). The step it returns
    /// runs inside that transaction, so the purge and its record are committed together or not at all.
    /// </summary>
    Task<RetentionRecord> PrepareAsync(CancellationToken cancellationToken);
}

/// <summary>Records a purge's counts inside the purge's own transaction.</summary>
internal delegate Task RetentionRecord(DbConnection connection, DbTransaction transaction, PurgeCounts counts, CancellationToken cancellationToken);

/// <summary>
/// Applies <see cref="RetentionOptions"/> in one transaction: incidents last seen before their window (with their
/// documents, patient references, digest items, delivered alerts, review case and comments; an incident with an alert still waiting is kept),
/// seen-content hashes, crawl state not refreshed, delivered alerts. Undelivered alerts are never purged.
/// </summary>
internal sealed class RetentionPurger(Database database, IOptions<OperationsOptions> options, IRetentionAudit audit, TimeProvider time)
{
    private const string OldIncidents = """
        CREATE TEMP TABLE purge_incidents AS
        SELECT id FROM incidents i WHERE i.last_seen < @cutoff
            AND NOT EXISTS (SELECT 1 FROM alert_outbox o WHERE o.incident_id = i.id AND o.delivered_at IS NULL);
        DELETE FROM alert_outbox WHERE incident_id IN (SELECT id FROM purge_incidents);
        DELETE FROM alert_digest_items WHERE incident_id IN (SELECT id FROM purge_incidents);
        DELETE FROM incident_patients WHERE incident_id IN (SELECT id FROM purge_incidents);
        DELETE FROM incident_documents WHERE incident_id IN (SELECT id FROM purge_incidents);
        DELETE FROM review_comments WHERE incident_id IN (SELECT id FROM purge_incidents);
        DELETE FROM review_cases WHERE incident_id IN (SELECT id FROM purge_incidents);
        """;

    public async Task<PurgeCounts> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var retention = options.Value.Retention;
        var record = await audit.PrepareAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);

        await connection.ExecuteAsync(new CommandDefinition(OldIncidents, new { cutoff = DbTime.Text(now - retention.Incidents) }, transaction, cancellationToken: cancellationToken));
        var incidents = await DeleteAsync("DELETE FROM incidents WHERE id IN (SELECT id FROM purge_incidents)", null);
        await connection.ExecuteAsync(new CommandDefinition(database.Sql("DROP TABLE temp.purge_incidents", "DROP TABLE pg_temp.purge_incidents"), transaction: transaction, cancellationToken: cancellationToken));
        var seen = await DeleteAsync("DELETE FROM crawl_seen WHERE seen_at < @cutoff", DbTime.Text(now - retention.SeenContent));
        var pages = await DeleteAsync("DELETE FROM crawl_pages WHERE fetched_at < @cutoff", DbTime.Text(now - retention.CrawlState));
        var cursors = await DeleteAsync("DELETE FROM crawl_cursors WHERE updated_at < @cutoff", DbTime.Text(now - retention.CrawlState));
        var delivered = await DeleteAsync("DELETE FROM alert_outbox WHERE delivered_at IS NOT NULL AND delivered_at < @cutoff", DbTime.Text(now - retention.Outbox));
        var counts = new PurgeCounts(now, incidents, seen, pages, cursors, delivered);
        await record(connection, transaction, counts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return counts;

        async Task<long> DeleteAsync(string sql, string? cutoff) =>
            await connection.ExecuteAsync(new CommandDefinition(sql, new { cutoff }, transaction, cancellationToken: cancellationToken));
    }
}
