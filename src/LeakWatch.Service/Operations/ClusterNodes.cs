using System.Data.Common;
using System.Globalization;
using Dapper;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Operations;

/// <summary>
/// A node of a cluster: several <c>leakwatch run</c> processes sharing one PostgreSQL database. Section
/// <c>LeakWatch:Cluster</c>. A single node (SQLite) uses the name and heartbeat too, so the console shows it.
/// </summary>
internal sealed class ClusterOptions
{
    public const string SectionName = "LeakWatch:Cluster";

    /// <summary>This node's name, unique in the cluster: Quartz's instance id and the row in the node list. Default: the machine name.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>How often this node writes its heartbeat to the node list.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "LeakWatch:Cluster:HeartbeatInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A node that has missed this many heartbeats in a row is down: shown down in the console, not counted as alive,
    /// degraded on /readyz and warned by doctor. Two at least, so one late beat never flaps a live node.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(2, 1000, ErrorMessage = "LeakWatch:Cluster:DownAfterMissedHeartbeats must be between 2 and 1000.")]
    public int DownAfterMissedHeartbeats { get; set; } = 4;

    /// <summary>
    /// A node down for longer than this (since its last heartbeat) is removed from the node list by the live nodes, so a
    /// node that was decommissioned or renamed stops being reported, and /readyz stops being degraded by it.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "LeakWatch:Cluster:ForgetDownNodesAfter must be between 00:01:00 and 365.00:00:00.")]
    public TimeSpan ForgetDownNodesAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long without a heartbeat makes a node down: <see cref="HeartbeatInterval"/> times <see cref="DownAfterMissedHeartbeats"/>.</summary>
    public TimeSpan DownAfter => HeartbeatInterval * DownAfterMissedHeartbeats;

    /// <summary>Quartz's cluster check-in: how often a node tells the others it is alive (PostgreSQL only).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "LeakWatch:Cluster:CheckinInterval must be between 00:00:01 and 00:10:00.")]
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long past a missed check-in the others wait before recovering a node's jobs (PostgreSQL only).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "LeakWatch:Cluster:CheckinMisfireThreshold must be between 00:00:01 and 01:00:00.")]
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long an idle node's scheduler waits before it looks for due jobs again. Quartz's nodes take due jobs first come,
    /// first served; a shorter wait lets an idle node take its share sooner (and costs one small query per wait).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "LeakWatch:Cluster:IdleWaitTime must be between 00:00:01 and 00:05:00.")]
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a node owns an alert it claimed for sending. Past it, another node may send it again (the node may have
    /// died): longer than a send can take (the channels' SendTimeout), short enough that an alert is not late for long.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "LeakWatch:Cluster:AlertClaimLease must be between 00:00:01 and 01:00:00.")]
    public TimeSpan AlertClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    public string ResolveNodeName() => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName.Trim();
}

/// <summary>One row of the node list.</summary>
internal sealed record ClusterNode(string Name, string StartedAt, string LastHeartbeat, long JobsRunning, string Running, string Version)
{
    public TimeSpan Age(DateTimeOffset now) => now - DbTime.Parse(LastHeartbeat);

    /// <summary>No heartbeat for <see cref="ClusterOptions.DownAfter"/>: dead, stopped without leaving, or cut from the database.</summary>
    public bool IsDown(DateTimeOffset now, ClusterOptions options) => Age(now) > options.DownAfter;

    /// <summary>When the live nodes remove it from the list if it does not come back.</summary>
    public DateTimeOffset ForgottenAt(ClusterOptions options) => DbTime.Parse(LastHeartbeat) + options.ForgetDownNodesAfter;
}

/// <summary>What DataAnnotations cannot say: a node is forgotten only after it is down.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options) =>
        options.ForgetDownNodesAfter > options.DownAfter
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ClusterOptions.SectionName}:ForgetDownNodesAfter ({options.ForgetDownNodesAfter}) must be longer than the time that makes a node down, HeartbeatInterval x DownAfterMissedHeartbeats ({options.DownAfter}).");
}

/// <summary>The <c>cluster_nodes</c> table: each node's heartbeat, and the list the console, /readyz and doctor show.</summary>
internal sealed class ClusterNodes(Database database)
{
    private const string Upsert = """
        INSERT INTO cluster_nodes (name, started_at, last_heartbeat, jobs_running, running, version)
        VALUES (@Name, @StartedAt, @Now, @Jobs, @Running, @Version)
        ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat,
            jobs_running = excluded.jobs_running, running = excluded.running, version = excluded.version
        """;

    // DbTime text sorts in time order, so the cut-off is a plain comparison. The node that prunes never prunes itself.
    private const string Forget = "DELETE FROM cluster_nodes WHERE last_heartbeat < @Cutoff AND name <> @Self RETURNING name AS Name, last_heartbeat AS LastHeartbeat";

    private const string SelectAll = """
        SELECT name AS Name, started_at AS StartedAt, last_heartbeat AS LastHeartbeat, jobs_running AS JobsRunning, running AS Running, version AS Version
        FROM cluster_nodes ORDER BY name
        """;

    /// <summary>
    /// Writes this node's heartbeat, and removes the nodes that have not beaten since <paramref name="forgetBefore"/>
    /// (down for longer than <see cref="ClusterOptions.ForgetDownNodesAfter"/>); returns those, for the log.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, string LastHeartbeat)>> BeatAsync(
        string name, DateTimeOffset startedAt, DateTimeOffset now, IReadOnlyCollection<string> running, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Upsert, new
        {
            Name = name,
            StartedAt = DbTime.Text(startedAt),
            Now = DbTime.Text(now),
            Jobs = (long)running.Count,
            Running = string.Join(", ", running.Order(StringComparer.Ordinal)),
            Version = typeof(ClusterNodes).Assembly.GetName().Version?.ToString() ?? "",
        }, cancellationToken: cancellationToken));
        return [.. await connection.QueryAsync<(string, string)>(new CommandDefinition(
            Forget, new { Cutoff = DbTime.Text(forgetBefore), Self = name }, cancellationToken: cancellationToken))];
    }

    /// <summary>A node that stops cleanly leaves the list; one that dies stays, down, until it comes back or is forgotten.</summary>
    public async Task LeaveAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM cluster_nodes WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ClusterNode>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ListAsync(connection, cancellationToken);
    }

    private static async Task<IReadOnlyList<ClusterNode>> ListAsync(DbConnection connection, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<ClusterNode>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))];

    /// <summary>For <c>leakwatch doctor</c> on PostgreSQL: how many nodes are alive, one row per node, a warning for a down one.</summary>
    public static async Task<IEnumerable<DoctorRow>> DoctorRowsAsync(DbConnection connection, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var settings = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        var nodes = await ListAsync(connection, cancellationToken);
        if (nodes.Count == 0) return [new DoctorRow("nodes", DoctorStatus.Warn, "no node has started on this database yet", "start the service (`leakwatch run`) on each node")];
        var down = nodes.Count(n => n.IsDown(now, settings));
        var summary = down == nodes.Count
            ? new DoctorRow("nodes", DoctorStatus.Warn, $"no node alive ({down} down)", "start the service (`leakwatch run`) on a node")
            : new DoctorRow("nodes", DoctorStatus.Ok, $"{nodes.Count - down} alive, {down} down");
        return nodes.Select(n => n.IsDown(now, settings)
            ? new DoctorRow("node " + n.Name, DoctorStatus.Warn,
                $"down: last heartbeat {Seconds(n.Age(now))} s ago (more than {settings.DownAfterMissedHeartbeats} missed); forgotten at {DbTime.Text(n.ForgottenAt(settings))} if it does not come back",
                "check that node: its service is down or cannot reach the database; a node taken out of service for good is forgotten on its own")
            : new DoctorRow("node " + n.Name, DoctorStatus.Ok, $"last heartbeat {Seconds(n.Age(now))} s ago, {n.JobsRunning} job(s) running{(n.Running.Length > 0 ? ": " + n.Running : "")}")).Prepend(summary);
    }

    public static string Seconds(TimeSpan age) => Math.Max(0, (long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes this node's heartbeat (and the jobs it runs) every <see cref="ClusterOptions.HeartbeatInterval"/> while the service runs.</summary>
internal sealed class NodeHeartbeat(
    ClusterNodes nodes,
    ISchedulerFactory schedulers,
    Database database,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var name = settings.ResolveNodeName();
        var started = time.GetUtcNow();
        Log.NodeStarted(logger, name, database.IsPostgres ? "postgres" : "sqlite", database.Description, database.IsPostgres);
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, time);
        do
        {
            try
            {
                var scheduler = await schedulers.GetScheduler(stoppingToken);
                // This node's running firings: the crawl job of a source is named after the source.
                var running = new List<string>();
                foreach (var firing in (await scheduler.QueryFireInstances(new FireInstanceQuery { SchedulerInstanceId = scheduler.SchedulerInstanceId }, stoppingToken)).Items)
                {
                    if (firing.JobKey is { } job) running.Add(job.Name);
                }
                var now = time.GetUtcNow();
                foreach (var (forgotten, lastHeartbeat) in await nodes.BeatAsync(name, started, now, running, now - settings.ForgetDownNodesAfter, stoppingToken))
                {
                    Log.NodeForgotten(logger, forgotten, lastHeartbeat, settings.ForgetDownNodesAfter);
                }
            }
            catch (Exception e) when (e is DbException or IOException or SchedulerException)
            {
                Log.HeartbeatFailed(logger, name, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await nodes.LeaveAsync(options.Value.ResolveNodeName(), cancellationToken);
        }
        catch (DbException e)
        {
            Log.HeartbeatFailed(logger, options.Value.ResolveNodeName(), e);
        }
    }
}

/// <summary>
/// /readyz: the nodes of the list that beat are alive; a down one (dead, or cut from the database) makes the check
/// degraded (still 200: this node serves) until it comes back or is forgotten, so it cannot hold this node degraded forever.
/// </summary>
internal sealed class NodesCheck(ClusterNodes nodes, IOptions<ClusterOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var list = await nodes.ListAsync(cancellationToken);
        var data = list.ToDictionary(n => n.Name, n => (object)(n.IsDown(now, settings)
            ? $"down: heartbeat {ClusterNodes.Seconds(n.Age(now))} s ago, forgotten at {DbTime.Text(n.ForgottenAt(settings))}"
            : $"alive: heartbeat {ClusterNodes.Seconds(n.Age(now))} s ago, {n.JobsRunning} job(s) running"));
        var down = list.Where(n => n.IsDown(now, settings)).Select(n => n.Name).ToList();
        var alive = $"{list.Count - down.Count} node(s) alive";
        if (down.Count > 0)
        {
            return HealthCheckResult.Degraded(
                $"{alive}; node(s) down: {string.Join(", ", down)} (no heartbeat for more than {settings.DownAfter}; forgotten after {settings.ForgetDownNodesAfter})", data: data);
        }
        return HealthCheckResult.Healthy(alive, data);
    }
}
