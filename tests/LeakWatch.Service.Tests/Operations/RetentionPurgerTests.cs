using System.Globalization;
using Dapper;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Operations;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Service.Tests.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Operations;

public sealed class RetentionPurgerTests : IDisposable
{
    private readonly CliHarness _folders = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 3, 30, 0, TimeSpan.Zero));

    private sealed class RecordingAudit : IRetentionAudit
    {
        public List<PurgeCounts> Purges { get; } = [];

        public Task<RetentionRecord> PrepareAsync(CancellationToken cancellationToken) => Task.FromResult<RetentionRecord>((_, _, counts, _) =>
        {
            Purges.Add(counts);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Purge_RowsOlderThanTheirWindows_AreRemovedAndCountedInTheAudit()
    {
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _folders.DataDirectory }));
        var operations = new OperationsOptions
        {
            Retention = { Incidents = TimeSpan.FromDays(365), SeenContent = TimeSpan.FromDays(30), CrawlState = TimeSpan.FromDays(60), Outbox = TimeSpan.FromDays(10) },
        };
        await using (var connection = await database.OpenAsync())
        {
            // Incident 1: old, its alert delivered -> purged. 2: old but an alert still waits -> kept. 3: recent -> kept.
            await connection.ExecuteAsync("""
                INSERT INTO incidents (id, source, url, content_hash, bytes, first_seen, last_seen, revision, patients_high, patients_medium,
                    patients_low, patients_total, last_growth, rules, fields)
                VALUES (1, 's', 'u1', 'h1', 1, '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, 1, 0, 0, 1, 1, 'nir', 1),
                       (2, 's', 'u2', 'h2', 1, '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, 1, 0, 0, 1, 1, 'nir', 1),
                       (3, 's', 'u3', 'h3', 1, '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 1, 1, 0, 0, 1, 1, 'nir', 1);
                INSERT INTO incident_documents (content_hash, incident_id, source, url, bytes, patients, first_seen, last_seen)
                VALUES ('h1', 1, 's', 'u1', 1, 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
                       ('h2', 2, 's', 'u2', 1, 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
                INSERT INTO incident_patients (incident_id, patient, confidence, rules) VALUES (1, zeroblob(16), 3, 'nir'), (2, zeroblob(16), 3, 'nir');
                INSERT INTO alert_outbox (idempotency_key, channel, kind, incident_id, revision, payload, created_at, next_attempt_at, delivered_at)
                VALUES ('k1', 'c', 'incident', 1, 1, '{}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z'),
                       ('k2', 'c', 'incident', 2, 1, '{}', '2025-01-01T00:00:00.000Z', '2026-06-01T04:00:00.000Z', NULL),
                       ('k3', 'c', 'incident', 3, 1, '{}', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', '2026-05-01T00:01:00.000Z'),
                       ('k4', 'c', 'incident', 3, 1, '{}', '2026-05-30T00:00:00.000Z', '2026-05-30T00:00:00.000Z', '2026-05-30T00:01:00.000Z');
                INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('s', 'a', 'u', '2026-04-01T00:00:00.0000000+00:00'), ('s', 'b', 'u', '2026-05-20T00:00:00.0000000+00:00');
                INSERT INTO crawl_pages (source, url, fetched_at) VALUES ('s', 'old', '2026-03-01T00:00:00.0000000+00:00'), ('s', 'new', '2026-05-20T00:00:00.0000000+00:00');
                INSERT INTO crawl_cursors (source, key, value, updated_at) VALUES ('s', 'old', 'v', '2026-03-01T00:00:00.0000000+00:00');
                -- Incidents 1 (purged) and 3 (kept) were reviewed: a case and a comment each, which hold the incident by a foreign key.
                INSERT INTO review_cases (incident_id, status, decided_by, decided_at, dismiss_reason, updated_at)
                VALUES (1, 'dismissed', 'dpo', '2025-01-02T00:00:00.000Z', 'test data', '2025-01-02T00:00:00.000Z'),
                       (3, 'confirmed', 'dpo', '2026-05-02T00:00:00.000Z', NULL, '2026-05-02T00:00:00.000Z');
                INSERT INTO review_comments (incident_id, author, at, body)
                VALUES (1, 'dpo', '2025-01-02T00:00:00.000Z', 'seen'), (3, 'dpo', '2026-05-02T00:00:00.000Z', 'kept');
                """);
        }
        var audit = new RecordingAudit();

        var counts = await new RetentionPurger(database, Options.Create(operations), audit, _time).PurgeAsync(CancellationToken.None);

        Assert.Equal(new PurgeCounts(_time.GetUtcNow(), Incidents: 1, SeenContent: 1, CrawlPages: 1, CrawlCursors: 1, DeliveredAlerts: 1), counts);
        Assert.Equal(counts, Assert.Single(audit.Purges));
        await using var check = await database.OpenAsync();
        Assert.Equal([2L, 3L], await check.QueryAsync<long>("SELECT id FROM incidents ORDER BY id"));
        Assert.Equal(["k2", "k4"], await check.QueryAsync<string>("SELECT idempotency_key FROM alert_outbox ORDER BY id"));
        Assert.Equal(1, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM incident_patients"));
        Assert.Equal("b", await check.ExecuteScalarAsync<string>("SELECT content_hash FROM crawl_seen"));
        Assert.Equal("new", await check.ExecuteScalarAsync<string>("SELECT url FROM crawl_pages"));
        Assert.Equal([3L], await check.QueryAsync<long>("SELECT incident_id FROM review_cases"));
        Assert.Equal(["kept"], await check.QueryAsync<string>("SELECT body FROM review_comments"));
    }

    [Fact]
    public async Task Purge_InTheRunningService_IsRecordedInTheAuditLogAndTheChainStillVerifies()
    {
        Assert.Equal(0, (await _folders.RunAsync("key", "init")).ExitCode);
        _folders.Settings["LeakWatch:Operations:Retention:SeenContent"] = "30.00:00:00";
        var (run, services) = await ConsoleFixture.StartRunAsync(_folders);
        IReadOnlyList<AuditEntry> entries;
        try
        {
            var old = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-40).ToString("O", CultureInfo.InvariantCulture);
            await using (var connection = await services.GetRequiredService<Database>().OpenAsync())
            {
                await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('s', 'a', 'u', @old), ('s', 'b', 'u', @old)", new { old });
            }

            var counts = await services.GetRequiredService<RetentionPurger>().PurgeAsync(CancellationToken.None);

            Assert.Equal(2, counts.SeenContent);
            entries = await services.GetRequiredService<AuditLog>().ReadAsync(new AuditFilter(Action: AuditActions.RetentionPurged), CancellationToken.None);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await run;
        }
        var entry = Assert.Single(entries);
        Assert.Equal(AuditedRetention.Actor, entry.Actor);
        Assert.Equal("incidents 0, seen-content hashes 2, crawl pages 0, crawl cursors 0, delivered alerts 0", entry.Detail);
        var verify = await _folders.RunAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private sealed class FailingAudit : IRetentionAudit
    {
        public bool Fail { get; set; } = true;

        public Task<RetentionRecord> PrepareAsync(CancellationToken cancellationToken) => Fail
            ? throw new InvalidOperationException("audit unavailable")
            : Task.FromResult<RetentionRecord>((_, _, _, _) => Task.CompletedTask);
    }

    [Fact]
    public async Task RetentionJob_PurgeFails_ReadinessIsDegradedUntilAPurgeWorks()
    {
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _folders.DataDirectory }));
        var audit = new FailingAudit();
        var purger = new RetentionPurger(database, Options.Create(new OperationsOptions()), audit, _time);
        var health = new RetentionHealth();
        var job = new RetentionJob(purger, health, Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionJob>.Instance);
        var check = new RetentionCheck(health);

        await job.Execute(null!, CancellationToken.None);
        var failed = await check.CheckHealthAsync(null!);
        audit.Fail = false;
        await job.Execute(null!, CancellationToken.None);
        var recovered = await check.CheckHealthAsync(null!);

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, failed.Status);
        Assert.Contains("InvalidOperationException", failed.Description, StringComparison.Ordinal);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, recovered.Status);
    }

    public void Dispose() => _folders.Dispose();
}
