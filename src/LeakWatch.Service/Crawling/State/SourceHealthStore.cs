using Dapper;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Crawling.State;

/// <summary>One row per source, so that a broken source is noticed (<c>leakwatch sources</c>).</summary>
internal sealed record SourceHealth(
    string Source,
    string Kind,
    string? LastRunAt,
    string? LastSuccessAt,
    string? LastError,
    string? LastErrorAt,
    long ConsecutiveFailures,
    long DocumentsSeen,
    long BytesSeen,
    long LastRunDocuments,
    long LastRunRequests,
    long LastRunErrors,
    long LastRunDurationMs,
    string? LastRunStatus = null,
    long LastRunSkipped = 0,
    long LastRunRefused = 0,
    string? LastWarning = null);

/// <summary>What one run did, to be added to the source's health.</summary>
internal sealed record RunReport(
    string Source,
    string Kind,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    bool Succeeded,
    string? LastError,
    long Documents,
    long Bytes,
    long Requests,
    long Errors,
    string Status = RunStatus.Ok,
    long Skipped = 0,
    long Refused = 0,
    string? LastWarning = null);

/// <summary>
/// How a run went, from the share of its requests that failed: <c>failing</c> when the entry point failed or at least half
/// of the requests failed (or were not sent), <c>degraded</c> when any did, <c>ok</c> otherwise.
/// </summary>
internal static class RunStatus
{
    public const string Ok = "ok";
    public const string Degraded = "degraded";
    public const string Failing = "failing";

    public static string Of(bool entryPointFailed, long requests, long failed) =>
        entryPointFailed || (requests > 0 && failed * 2 >= requests) ? Failing : failed > 0 ? Degraded : Ok;
}

internal sealed class SourceHealthStore(Database database)
{
    private const string Upsert = """
        INSERT INTO source_health (source, kind, last_run_at, last_success_at, last_error, last_error_at, consecutive_failures,
            documents_seen, bytes_seen, last_run_documents, last_run_requests, last_run_errors, last_run_duration_ms,
            last_run_status, last_run_skipped, last_run_refused, last_warning)
        VALUES (@source, @kind, @runAt, CASE WHEN @succeeded THEN @runAt END, @lastError, CASE WHEN @lastError IS NOT NULL THEN @runAt END,
            CASE WHEN @succeeded THEN 0 ELSE 1 END, @documents, @bytes, @documents, @requests, @errors, @durationMs,
            @status, @skipped, @refused, @lastWarning)
        ON CONFLICT (source) DO UPDATE SET
            kind = excluded.kind,
            last_run_at = excluded.last_run_at,
            last_success_at = COALESCE(excluded.last_success_at, source_health.last_success_at),
            -- The last error describes the last run: a run without errors clears it (it is in the logs).
            last_error = excluded.last_error,
            last_error_at = excluded.last_error_at,
            consecutive_failures = CASE WHEN @succeeded THEN 0 ELSE source_health.consecutive_failures + 1 END,
            documents_seen = source_health.documents_seen + excluded.last_run_documents,
            bytes_seen = source_health.bytes_seen + @bytes,
            last_run_documents = excluded.last_run_documents,
            last_run_requests = excluded.last_run_requests,
            last_run_errors = excluded.last_run_errors,
            last_run_duration_ms = excluded.last_run_duration_ms,
            last_run_status = excluded.last_run_status,
            last_run_skipped = excluded.last_run_skipped,
            last_run_refused = excluded.last_run_refused,
            last_warning = excluded.last_warning
        """;

    public async Task RecordAsync(RunReport report, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Upsert, new
        {
            source = report.Source,
            kind = report.Kind,
            runAt = DbTime.Text(report.StartedAt),
            succeeded = report.Succeeded,
            lastError = report.LastError,
            documents = report.Documents,
            bytes = report.Bytes,
            requests = report.Requests,
            errors = report.Errors,
            durationMs = (long)report.Duration.TotalMilliseconds,
            status = report.Status,
            skipped = report.Skipped,
            refused = report.Refused,
            lastWarning = report.LastWarning,
        }, cancellationToken: ct));
    }

    private const string SelectAll = """
        SELECT source AS Source, kind AS Kind, last_run_at AS LastRunAt, last_success_at AS LastSuccessAt, last_error AS LastError,
            last_error_at AS LastErrorAt, consecutive_failures AS ConsecutiveFailures, documents_seen AS DocumentsSeen,
            bytes_seen AS BytesSeen, last_run_documents AS LastRunDocuments, last_run_requests AS LastRunRequests,
            last_run_errors AS LastRunErrors, last_run_duration_ms AS LastRunDurationMs, last_run_status AS LastRunStatus,
            last_run_skipped AS LastRunSkipped, last_run_refused AS LastRunRefused, last_warning AS LastWarning
        FROM source_health ORDER BY source
        """;

    public async Task<IReadOnlyList<SourceHealth>> ListAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return [.. await connection.QueryAsync<SourceHealth>(new CommandDefinition(SelectAll, cancellationToken: ct))];
    }

    public async Task<SourceHealth?> GetAsync(string source, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(h => h.Source == source);
}
