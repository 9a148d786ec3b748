using Dapper;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Operations;

/// <summary>The database opens and its schema is applied.</summary>
internal sealed class DatabaseCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT max(version) FROM schema_migrations", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy($"schema version {version}");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("the database cannot be opened");
        }
    }
}

/// <summary>A key is configured and is the one the database was created with. Read afresh each time: a replaced key file shows.</summary>
internal sealed class KeyCheck(KeyProvider keys, IOptions<KeyOptions> options, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(configuration[KeyProvider.EnvironmentVariable]) && !File.Exists(options.Value.ResolveKeyFile()))
        {
            return HealthCheckResult.Unhealthy("no key: the key file is missing and LEAKWATCH_KEY is not set");
        }
        try
        {
            await keys.VerifyIfPresentAsync(cancellationToken);
            return HealthCheckResult.Healthy("the key matches the database");
        }
        catch (LeakWatchException)
        {
            // The exception names paths and key identifiers; this endpoint needs no authentication, so it says less.
            return HealthCheckResult.Unhealthy("the configured key cannot be used with this database (wrong key, or a key file open to others); run `leakwatch doctor`");
        }
    }
}

/// <summary>Patients are enrolled, recently enough.</summary>
internal sealed class EnrollmentCheck(FingerprintStore store, IOptions<OperationsOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var active = await store.GetActiveEnrollmentAsync(cancellationToken);
        if (active is null) return HealthCheckResult.Unhealthy("no patients enrolled: nothing can be matched");
        var age = time.GetUtcNow() - active.EnrolledAt;
        var data = new Dictionary<string, object> { ["patients"] = active.Patients, ["ageDays"] = (int)age.TotalDays };
        return age > options.Value.EnrollmentMaxAge
            ? HealthCheckResult.Degraded($"the enrollment is {(int)age.TotalDays} days old: enroll a fresh export", data: data)
            : HealthCheckResult.Healthy($"{active.Patients} patients enrolled", data);
    }
}

/// <summary>No enabled source has failed more runs in a row than the threshold.</summary>
internal sealed class SourcesCheck(SourceHealthStore health, CrawlStateStore state, IOptionsMonitor<SourcesOptions> sources, IOptions<OperationsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var enabled = sources.CurrentValue.Sources.Where(s => s.Enabled).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var threshold = options.Value.SourceFailureThreshold;
        var rows = (await health.ListAsync(cancellationToken)).Where(h => enabled.Contains(h.Source)).ToList();
        var failing = rows
            .Where(h => h.ConsecutiveFailures >= threshold)
            .ToDictionary(h => h.Source, h => (object)h.ConsecutiveFailures);
        if (failing.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"failing for {threshold} runs or more in a row: {string.Join(", ", failing.Keys)}", data: failing);
        }
        // Links refused for a while (robots.txt, 403, a challenge page): not a failure, but worth seeing, with when they are asked again.
        var refused = (await state.RefusalsAsync(cancellationToken))
            .Where(r => enabled.Contains(r.Key))
            .ToDictionary(r => r.Key, r => (object)$"{r.Value.Links} refused link(s), asked again from {DbTime.Text(r.Value.NextRetryAt)}");
        // A run can end "failing" (half its requests failed or were never sent) without counting as a failed run.
        var lastRunFailing = rows.Where(h => h.LastRunStatus == RunStatus.Failing).Select(h => h.Source).ToList();
        if (lastRunFailing.Count > 0)
        {
            return HealthCheckResult.Degraded($"the last run failed for most of its requests: {string.Join(", ", lastRunFailing)}", data: refused);
        }
        return enabled.Count == 0 ? HealthCheckResult.Degraded("no source enabled: nothing is crawled") : HealthCheckResult.Healthy($"{enabled.Count} sources enabled", refused);
    }
}

/// <summary>The alert outbox is draining: no more undelivered alerts than the threshold.</summary>
internal sealed class OutboxCheck(OutboxBacklog backlog, IOptions<OperationsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (pending, failing) = await backlog.CountAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["pending"] = pending, ["retrying"] = failing };
        return pending > options.Value.OutboxBacklogThreshold
            ? HealthCheckResult.Unhealthy($"{pending} alerts wait in the outbox (threshold {options.Value.OutboxBacklogThreshold}); check the channels (`leakwatch alerts test`)", data: data)
            : HealthCheckResult.Healthy($"{pending} alerts pending", data);
    }
}

/// <summary>How many alerts wait in the outbox, and how many of them have failed at least once.</summary>
internal sealed class OutboxBacklog(Database database)
{
    private const string Count = "SELECT count(*) AS Pending, coalesce(sum(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS Failing FROM alert_outbox WHERE delivered_at IS NULL";

    public async Task<(long Pending, long Failing)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(Count, cancellationToken: cancellationToken));
    }
}
