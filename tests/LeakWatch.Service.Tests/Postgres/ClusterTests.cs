using System.Diagnostics;
using System.Globalization;
using Dapper;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Alerting;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Npgsql;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// Three `leakwatch run` processes (the built executable), each with its own data folder, sharing one PostgreSQL
/// database and one key: Quartz's clustered job store spreads the crawls, and one node is killed with SIGKILL while it
/// is in the middle of a crawl (the source's server holds its request). Every source is still crawled on schedule (the
/// dead node's crawl is recovered by another), every alert reaches the webhook exactly once, no incident is doubled,
/// and the survivors' /readyz shows the dead node down.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime, IDisposable
{
    private const int Sources = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private readonly CliHarness _setup = new();
    private readonly List<ExecutableHarness> _folders = [];
    private readonly List<RunningExecutable> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 awaits IAsyncLifetime (not IAsyncDisposable): the surviving nodes are killed here, whatever the outcome.
    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }

    public void Dispose()
    {
        foreach (var folder in _folders) folder.Dispose();
        _setup.Dispose();
    }

    [Fact]
    public async Task Cluster_NodeKilledMidCrawl_EverySourceStillCrawledAndEachAlertSentOnce()
    {
        var postgres = await PostgresServer.CreateDatabaseAsync();
        _setup.Settings["LeakWatch:Database:Provider"] = "postgres";
        _setup.Settings["LeakWatch:Database:ConnectionString"] = postgres;
        var patients = SyntheticPopulation.GenerateArray(Sources * 25, seed: 14);
        Assert.Equal(ExitCodes.Success, (await _setup.RunAsync("key", "init")).ExitCode);
        var enroll = await _setup.RunAsync("enroll", ExportFiles.Write(_setup.Root, patients));
        Assert.True(enroll.ExitCode == ExitCodes.Success, enroll.ToString());

        // One leaked document per source, each with 20 patients of its own: one incident each.
        await using var server = await LoopbackServer.StartAsync(TimeProvider.System);
        var hung = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var s = 0; s < Sources; s++)
        {
            var document = await File.ReadAllBytesAsync(ExportFiles.Write(_setup.Root, patients.Skip(s * 25).Take(20), name: $"leak{s}.csv"));
            var first = s == 0;
            server.Map($"/leak{s}.csv", async ctx =>
            {
                // The first request for source 0 hangs: its node is the one killed, mid-crawl.
                if (first && hung.TrySetResult(ctx.Request.Headers["User-Agent"].FirstOrDefault() ?? "")) await release.Task;
                ctx.Response.ContentType = "text/csv";
                await ctx.Response.Body.WriteAsync(document);
            });
        }
        using var hook = WebhookTestReceiver.Start();
        var secret = Path.Combine(_setup.Root, "hook.secret");
        await File.WriteAllTextAsync(secret, "cluster-secret\n");

        var ports = new Dictionary<string, int>();
        foreach (var name in (string[])["node-a", "node-b", "node-c"])
        {
            var folder = new ExecutableHarness { KeyFile = _setup.KeyFile };
            _folders.Add(folder);
            ports[name] = PostgresServer.FreePort();
            var settings = new Dictionary<string, string>
            {
                ["LeakWatch__Database__Provider"] = "postgres",
                ["LeakWatch__Database__ConnectionString"] = postgres,
                ["LeakWatch__Cluster__NodeName"] = name,
                ["LeakWatch__Cluster__CheckinInterval"] = "00:00:01",
                ["LeakWatch__Cluster__CheckinMisfireThreshold"] = "00:00:02",
                ["LeakWatch__Cluster__HeartbeatInterval"] = "00:00:01",
                ["LeakWatch__Cluster__DownAfterMissedHeartbeats"] = "4",
                ["LeakWatch__Cluster__IdleWaitTime"] = "00:00:01",
                ["LeakWatch__Console__Urls"] = "http://127.0.0.1:" + ports[name].ToString(CultureInfo.InvariantCulture),
                ["LeakWatch__Crawler__UserAgent"] = "LeakWatchTest/" + name,
                ["LeakWatch__Alerting__DeliveryInterval"] = "00:00:01",
                ["LeakWatch__Alerting__Channels__0__Name"] = "security-hook",
                ["LeakWatch__Alerting__Channels__0__Kind"] = "webhook",
                ["LeakWatch__Alerting__Channels__0__Url"] = hook.Url(),
                ["LeakWatch__Alerting__Channels__0__SecretFile"] = secret,
            };
            for (var s = 0; s < Sources; s++)
            {
                var at = $"LeakWatch__Sources__{s}__";
                settings[at + "Name"] = "src-" + s;
                settings[at + "Kind"] = "urls";
                settings[at + "Urls__0"] = server.Url($"/leak{s}.csv").AbsoluteUri;
                settings[at + "Schedule"] = "0/3 * * * * ?";
                settings[at + "AllowPrivateAddresses"] = "true";
                settings[at + "RequestInterval"] = "00:00:00";
            }
            foreach (var (key, value) in settings) folder.Environment[key] = value;
            _nodes.Add(folder.StartReading("run"));
        }
        var byName = new Dictionary<string, RunningExecutable> { ["node-a"] = _nodes[0], ["node-b"] = _nodes[1], ["node-c"] = _nodes[2] };
        await Task.WhenAll(byName.Select(n => n.Value.WaitForLineAsync(l => l.Contains($"Node {n.Key} joined", StringComparison.Ordinal))));

        // SIGKILL the node whose crawl of src-0 is on the wire, then let the server answer the others.
        var victim = (await hung.Task.WaitAsync(Deadline))["LeakWatchTest/".Length..];
        await byName[victim].DisposeAsync(); // Process.Kill: SIGKILL on Linux, no shutdown code runs
        _nodes.Remove(byName[victim]);
        var killedAt = TimeProvider.System.GetUtcNow();
        release.SetResult();

        // Every source, src-0 included, crawled at least twice more after the kill, by the survivors.
        await WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Sources).All(s =>
            server.Requests.Count(r => r.PathAndQuery == $"/leak{s}.csv" && r.At > killedAt) >= 2)), "every source crawled twice after the kill");
        Assert.DoesNotContain(server.Requests.Where(r => r.At > killedAt.AddSeconds(1)), r => r.UserAgent == "LeakWatchTest/" + victim);
        var survivors = byName.Keys.Where(n => n != victim).ToList();
        // The crawls ran on more than one node: the victim's, and the survivors' after it died.
        Assert.Contains(server.Requests, r => r.At > killedAt && survivors.Contains(r.UserAgent!["LeakWatchTest/".Length..]));

        // Each incident's alert delivered, then nothing left in the outbox: exactly one webhook per incident.
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await WaitUntilAsync(async () =>
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM incidents") == Sources &&
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == 0, "four incidents, every alert delivered");
        var incidents = (await connection.QueryAsync<(string Source, long Patients)>("SELECT source, patients_total FROM incidents ORDER BY source")).ToList();
        Assert.Equal(Enumerable.Range(0, Sources).Select(s => ("src-" + s, 20L)), incidents);
        var keys = hook.Requests.Select(r => r.Header(WebhookSignature.IdempotencyKeyHeader)).ToList();
        Assert.Equal(Sources, keys.Count);
        Assert.Equal(Sources, keys.Distinct(StringComparer.Ordinal).Count());

        // The node list: the dead node is down on a survivor's /readyz (degraded), the survivors beat.
        using var http = new HttpClient();
        var ready = "";
        await WaitUntilAsync(async () =>
        {
            ready = await http.GetStringAsync($"http://127.0.0.1:{ports[survivors[0]]}/readyz");
            return ready.Contains("node(s) down: " + victim, StringComparison.Ordinal);
        }, "the dead node shown down");
        Assert.Contains("\"Degraded\"", ready, StringComparison.OrdinalIgnoreCase);
        var beats = (await connection.QueryAsync<string>("SELECT name FROM cluster_nodes ORDER BY name")).ToList();
        Assert.Equal(byName.Keys.Order(StringComparer.Ordinal), beats);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (!await condition())
        {
            if (watch.Elapsed > Deadline) throw new TimeoutException("waited " + Deadline + " for: " + what);
            await timer.WaitForNextTickAsync();
        }
    }

}
