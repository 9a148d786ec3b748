using LeakWatch.Service.Operations;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Alerting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>The node list over a real SQLite database and a fake clock: when a node is down, and when it is forgotten.</summary>
public sealed class ClusterNodesTests : IDisposable
{
    private readonly AlertingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static readonly TimeSpan Beat = new ClusterOptions().HeartbeatInterval;

    private static Task<IReadOnlyList<(string Name, string LastHeartbeat)>> BeatAsync(IServiceProvider services, string name)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var forgetAfter = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ForgetDownNodesAfter;
        return services.GetRequiredService<ClusterNodes>().BeatAsync(name, now, now, ["crawl src-1"], now - forgetAfter, CancellationToken.None);
    }

    private static async Task<HealthReportEntry> NodesCheckAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "nodes")).Entries["nodes"];

    [Fact]
    public async Task NodesCheck_NodeMissesMoreThanItsHeartbeats_IsDownDegradedAndNotCountedAlive()
    {
        var services = _fixture.StartService();
        await BeatAsync(services, "node-a");
        await BeatAsync(services, "node-b");

        _fixture.Time.Advance(Beat * 4); // node-b has missed exactly 4 heartbeats: late, not yet down
        await BeatAsync(services, "node-a");
        var late = await NodesCheckAsync(services);
        _fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await BeatAsync(services, "node-a");
        var down = await NodesCheckAsync(services);

        Assert.Equal((HealthStatus.Healthy, "2 node(s) alive"), (late.Status, late.Description));
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.StartsWith("1 node(s) alive; node(s) down: node-b (no heartbeat for more than 00:01:00", down.Description, StringComparison.Ordinal);
        Assert.StartsWith("down:", (string)down.Data["node-b"], StringComparison.Ordinal);
        Assert.StartsWith("alive:", (string)down.Data["node-a"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterNodes_NodeDownLongerThanForgetDownNodesAfter_RemovedByALiveNodesBeatAndReadyzHealthyAgain()
    {
        _fixture.Settings["LeakWatch:Cluster:ForgetDownNodesAfter"] = "01:00:00";
        var services = _fixture.StartService();
        await BeatAsync(services, "node-b");

        _fixture.Time.Advance(TimeSpan.FromMinutes(59));
        var tooSoon = await BeatAsync(services, "node-a");
        var stillListed = await services.GetRequiredService<ClusterNodes>().ListAsync(CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var forgotten = await BeatAsync(services, "node-a");
        var after = await services.GetRequiredService<ClusterNodes>().ListAsync(CancellationToken.None);

        Assert.Empty(tooSoon);
        Assert.Equal(["node-a", "node-b"], stillListed.Select(n => n.Name));
        Assert.Equal("node-b", Assert.Single(forgotten).Name);
        Assert.Equal("node-a", Assert.Single(after).Name);
        Assert.Equal((HealthStatus.Healthy, "1 node(s) alive"), ((await NodesCheckAsync(services)).Status, (await NodesCheckAsync(services)).Description));
    }

    [Fact]
    public async Task ClusterNodes_ALoneNodeWhoseOwnRowIsOld_NeverForgetsItself()
    {
        _fixture.Settings["LeakWatch:Cluster:ForgetDownNodesAfter"] = "00:10:00";
        var services = _fixture.StartService();
        await BeatAsync(services, "node-a");
        _fixture.Time.Advance(TimeSpan.FromHours(5)); // e.g. the database was unreachable for hours

        var forgotten = await BeatAsync(services, "node-a");

        Assert.Empty(forgotten);
        Assert.Equal("node-a", Assert.Single(await services.GetRequiredService<ClusterNodes>().ListAsync(CancellationToken.None)).Name);
    }

    [Fact]
    public async Task Doctor_OneNodeDown_CountsTheAliveAndWarnsWithTheTimeItIsForgotten()
    {
        var services = _fixture.StartService();
        await BeatAsync(services, "node-b");
        _fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await BeatAsync(services, "node-a");
        await using var connection = await services.GetRequiredService<Database>().OpenAsync();

        var rows = (await ClusterNodes.DoctorRowsAsync(connection, services, CancellationToken.None)).ToList();

        Assert.Equal(new DoctorRow("nodes", DoctorStatus.Ok, "1 alive, 1 down"), rows[0]);
        Assert.Equal(DoctorStatus.Ok, rows.Single(r => r.Check == "node node-a").Status);
        var down = rows.Single(r => r.Check == "node node-b");
        Assert.Equal(DoctorStatus.Warn, down.Status);
        Assert.Equal("down: last heartbeat 600 s ago (more than 4 missed); forgotten at 2025-03-13T09:00:00.000Z if it does not come back", down.Detail);
    }

    [Theory]
    [InlineData("00:01:00", "10", "00:05:00", "LeakWatch:Cluster:ForgetDownNodesAfter (00:05:00) must be longer than")]
    [InlineData("00:00:15", "1", "1.00:00:00", "LeakWatch:Cluster:DownAfterMissedHeartbeats must be between 2 and 1000.")]
    [InlineData("00:00:15", "4", "00:00:30", "LeakWatch:Cluster:ForgetDownNodesAfter must be between 00:01:00 and 365.00:00:00.")]
    public void ClusterOptions_BadDownOrForgetSetting_RefusedNamingTheSetting(string heartbeat, string missed, string forget, string message)
    {
        _fixture.Settings["LeakWatch:Cluster:HeartbeatInterval"] = heartbeat;
        _fixture.Settings["LeakWatch:Cluster:DownAfterMissedHeartbeats"] = missed;
        _fixture.Settings["LeakWatch:Cluster:ForgetDownNodesAfter"] = forget;

        var refused = Assert.Throws<OptionsValidationException>(() => _fixture.StartService().GetRequiredService<IOptions<ClusterOptions>>().Value);

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
