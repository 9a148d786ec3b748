using Dapper;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Operations;
using LeakWatch.Service.Tests.Alerting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// Several nodes on one PostgreSQL database, each a container of its own (the real AddLeakWatch composition) with its
/// own node name: one incident per document, each alert sent once, a dead node's claimed alert sent by another, the
/// audit log append-only, the crawl state shared.
/// </summary>
public sealed class SharedDatabaseTests : IDisposable
{
    private readonly string _postgres = PostgresDatabase.Create();
    private readonly List<AlertingFixture> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
    }

    private AlertingFixture Node(string name, WebhookTestReceiver? hook = null)
    {
        var node = new AlertingFixture(_postgres);
        node.Settings["LeakWatch:Cluster:NodeName"] = name;
        if (hook is not null) node.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", node.WriteSecretFile("hook.secret", "s3cret\n")));
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task IncidentRecorder_TwoNodesSeeTheSameDocumentAtOnce_OneIncidentAndOneAlert()
    {
        using var hook = WebhookTestReceiver.Start();
        var first = Node("node-a", hook).StartService();
        var second = Node("node-b", hook).StartService();
        var result = Scans.Result("dump.csv", Scans.Sha('d'), Scans.Range(1, 300));

        await Task.WhenAll(
            Task.Run(() => first.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/9", result, CancellationToken.None)),
            Task.Run(() => second.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/9", result, CancellationToken.None)));

        Assert.Equal(300L, Assert.Single(await AlertingFixture.QueryAsync<long>(first, "SELECT patients_total FROM incidents")));
        Assert.Single(await AlertingFixture.QueryAsync<string>(first, "SELECT content_hash FROM incident_documents"));
        Assert.Single(await AlertingFixture.QueryAsync<long>(first, "SELECT id FROM alert_outbox"));
    }

    [Fact]
    public async Task AlertDispatcher_ThreeNodesDeliverAtOnce_EachAlertSentExactlyOnce()
    {
        using var hook = WebhookTestReceiver.Start();
        var nodes = new[] { Node("node-a", hook).StartService(), Node("node-b", hook).StartService(), Node("node-c", hook).StartService() };
        for (var i = 0; i < 30; i++)
        {
            await nodes[i % 3].GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/" + i,
                Scans.Result("dump.csv", new string((char)('a' + i % 6), 63) + i % 10, Scans.Range(i * 10 + 1, i * 10 + 5)), CancellationToken.None);
        }

        var runs = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None))));

        Assert.Equal(30, runs.Sum(r => r.Delivered));
        var keys = hook.Requests.Select(r => r.Header(WebhookSignature.IdempotencyKeyHeader)).ToList();
        Assert.Equal(30, keys.Count);
        Assert.Equal(30, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(await AlertingFixture.QueryAsync<long>(nodes[0], "SELECT id FROM alert_outbox WHERE delivered_at IS NULL"));
    }

    [Fact]
    public async Task AlertOutbox_NodeDiesHoldingAClaim_AnotherNodeSendsItOnceTheLeaseHasRunOut()
    {
        using var hook = WebhookTestReceiver.Start();
        var dying = Node("node-a", hook);
        var survivor = Node("node-b", hook);
        var a = dying.StartService();
        var b = survivor.StartService();
        await a.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/1", Scans.Result("d", Scans.Sha('e'), Scans.Range(1, 3)), CancellationToken.None);
        // node-a claims the alert, then dies before sending it (nothing more runs in it).
        Assert.Single(await a.GetRequiredService<AlertOutbox>().DueAsync(dying.Time.GetUtcNow(), 10, CancellationToken.None));

        var whileLeased = await b.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None);
        survivor.Time.Advance(new ClusterOptions().AlertClaimLease + TimeSpan.FromSeconds(1));
        var afterLease = await b.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, whileLeased.Delivered);
        Assert.Equal(1, afterLease.Delivered);
        Assert.Single(hook.Requests);
    }

    [Fact]
    public async Task AlertOutbox_SlowNodesLeaseTakenOver_OnlyTheNewHolderMayRenewAndSend()
    {
        using var hook = WebhookTestReceiver.Start();
        var slow = Node("node-a", hook);
        var other = Node("node-b", hook);
        var a = slow.StartService();
        var b = other.StartService();
        await a.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/2", Scans.Result("d", Scans.Sha('f'), Scans.Range(1, 3)), CancellationToken.None);
        var claimed = Assert.Single(await a.GetRequiredService<AlertOutbox>().DueAsync(slow.Time.GetUtcNow(), 10, CancellationToken.None));
        Assert.True(await a.GetRequiredService<AlertOutbox>().RenewAsync(claimed.Id, slow.Time.GetUtcNow(), CancellationToken.None));

        // node-a's batch outlives its lease: node-b claims the alert; node-a, reaching it at last, must not send it.
        other.Time.Advance(new ClusterOptions().AlertClaimLease + TimeSpan.FromSeconds(1));
        Assert.Single(await b.GetRequiredService<AlertOutbox>().DueAsync(other.Time.GetUtcNow(), 10, CancellationToken.None));

        Assert.False(await a.GetRequiredService<AlertOutbox>().RenewAsync(claimed.Id, slow.Time.GetUtcNow(), CancellationToken.None));
        Assert.True(await b.GetRequiredService<AlertOutbox>().RenewAsync(claimed.Id, other.Time.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task AuditLog_OnPostgres_UpdateDeleteAndTruncateAreRefusedByTheTriggers()
    {
        var node = Node("node-a");
        node.Settings["LEAKWATCH_KEY"] = LeakWatch.Core.Fingerprinting.SecretKey.Generate().ToBase64();
        var audit = node.StartService().GetRequiredService<AuditLog>();
        await audit.AppendAsync(new AuditEvent("first.dpo", "user.added", "user:x", "role dpo", "127.0.0.1"), CancellationToken.None);
        await audit.AppendAsync(new AuditEvent("first.dpo", "user.disabled", "user:x", "", "127.0.0.1"), CancellationToken.None);
        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();

        foreach (var sql in (string[])["UPDATE audit_log SET actor = 'x' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2", "TRUNCATE audit_log"])
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }
        var verified = await audit.VerifyAsync(CancellationToken.None);
        Assert.Equal((2L, (long?)null), (verified.Entries, verified.BrokenId));
    }

    [Fact]
    public async Task CrawlState_OnPostgres_OneNodesStateIsSeenByTheOther()
    {
        var a = Node("node-a").StartService().GetRequiredService<CrawlStateStore>();
        var b = Node("node-b").StartService();
        var state = b.GetRequiredService<CrawlStateStore>();

        await a.SavePageAsync("forum-x", "https://forum.example/t/1", "\"v1\"", "Tue, 01 Dec 2026 08:00:00 GMT", Scans.Sha('a'), CancellationToken.None);
        await a.MarkSeenAsync("forum-x", Scans.Sha('a'), "https://forum.example/t/1", CancellationToken.None);
        await a.MarkSeenAsync("forum-x", Scans.Sha('a'), "https://forum.example/t/1", CancellationToken.None); // seen twice: no error
        await a.SetCursorAsync("forum-x", "thread:1", "page=2", CancellationToken.None);
        await state.SetCursorAsync("forum-x", "thread:1", "page=3", CancellationToken.None);
        await b.GetRequiredService<SourceHealthStore>().RecordAsync(new RunReport("forum-x", "forum", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2), true, null, 3, 1000, 5, 0), CancellationToken.None);
        await b.GetRequiredService<SourceHealthStore>().RecordAsync(new RunReport("forum-x", "forum", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2), false, "HTTP 503", 1, 10, 5, 3), CancellationToken.None);

        Assert.Equal(("\"v1\"", Scans.Sha('a')), ((await state.GetValidatorsAsync("forum-x", "https://forum.example/t/1", CancellationToken.None))!.ETag, (await state.GetValidatorsAsync("forum-x", "https://forum.example/t/1", CancellationToken.None))!.ContentHash));
        Assert.True(await state.IsSeenAsync("forum-x", Scans.Sha('a'), CancellationToken.None));
        Assert.Equal("page=3", await a.GetCursorAsync("forum-x", "thread:1", CancellationToken.None));
        var health = Assert.Single(await b.GetRequiredService<SourceHealthStore>().ListAsync(CancellationToken.None));
        Assert.Equal((4L, 1L, "HTTP 503"), (health.DocumentsSeen, health.ConsecutiveFailures, health.LastError));
    }

    [Fact]
    public async Task ReviewAndRetention_OnPostgres_ListDecideCommentAndPurge()
    {
        var node = Node("node-a");
        node.Settings["LEAKWATCH_KEY"] = LeakWatch.Core.Fingerprinting.SecretKey.Generate().ToBase64();
        var services = node.StartService();
        await services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/1", Scans.Result("d", Scans.Sha('f'), Scans.Range(1, 4)), CancellationToken.None);
        var cases = services.GetRequiredService<LeakWatch.Service.Review.CaseStore>();

        var all = await cases.ListAsync(new LeakWatch.Service.Review.IncidentFilter(null, null, null, null, null, 1), CancellationToken.None);
        var high = await cases.ListAsync(new LeakWatch.Service.Review.IncidentFilter("new", "high", "forum-x", new DateOnly(2025, 3, 1), new DateOnly(2025, 3, 31), 1), CancellationToken.None);
        await cases.ConfirmAsync(1, "first.dpo", "127.0.0.1", CancellationToken.None);
        await cases.CommentAsync(1, "checked with the lab", "first.dpo", "127.0.0.1", CancellationToken.None);
        var detail = await cases.GetAsync(1, CancellationToken.None);
        var patients = new List<long>();
        await foreach (var patient in cases.PatientsAsync(1, CancellationToken.None)) patients.Add(patient.Confidence);

        Assert.Equal((1L, 1L), (all.Total, high.Total));
        Assert.Equal("confirmed", detail!.Case.Status);
        Assert.Single(detail.Comments);
        Assert.Equal([3L, 3L, 3L, 3L], patients);

        // Four years later, with the alert delivered: the purge removes the incident and writes its audit entry.
        await services.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None);
        await AlertingFixture.QueryAsync<long>(services, "UPDATE alert_outbox SET delivered_at = '2025-03-12T09:00:00.000Z' RETURNING id");
        node.Time.Advance(TimeSpan.FromDays(4 * 365));
        var purged = await services.GetRequiredService<RetentionPurger>().PurgeAsync(CancellationToken.None);

        Assert.Equal(1L, purged.Incidents);
        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM incidents"));
        var chain = await services.GetRequiredService<AuditLog>().VerifyAsync(CancellationToken.None);
        Assert.Equal((3L, (long?)null), (chain.Entries, chain.BrokenId));
    }
}
