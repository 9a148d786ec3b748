using Dapper;
using LeakWatch.Service.Operations;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary>An <c>alert_outbox</c> row waiting for delivery.</summary>
internal sealed record PendingAlert(long Id, string IdempotencyKey, string Channel, string Payload, long Attempts);

/// <summary>
/// The outbox table: which alerts are due, and what became of each attempt. Several nodes may deliver from one outbox:
/// a node claims the due alerts it will send in one atomic UPDATE ... RETURNING (on PostgreSQL the rows are picked
/// with FOR UPDATE SKIP LOCKED, so two nodes never claim the same row), and a claim is a lease: the alerts of a node
/// that dies before recording the outcome are claimed again by another once <see cref="ClusterOptions.AlertClaimLease"/>
/// has passed. Delivery stays at least once; the idempotency key lets a receiver drop the rare repeat.
/// </summary>
internal sealed class AlertOutbox(Database database, IOptions<ClusterOptions> cluster)
{
    // The due alerts no live claim holds, oldest first. PostgreSQL also skips rows another node is claiming right now.
    private const string DueRows = """
        SELECT id FROM alert_outbox
        WHERE delivered_at IS NULL AND next_attempt_at <= @Now AND (claimed_until IS NULL OR claimed_until <= @Now)
        ORDER BY id
        LIMIT @Limit
        """;

    private const string Claim = "UPDATE alert_outbox SET claimed_by = @Node, claimed_until = @Until WHERE id IN (";

    private const string Claimed = ") RETURNING id AS Id, idempotency_key AS IdempotencyKey, channel AS Channel, payload AS Payload, attempts AS Attempts";

    private const string MarkDeliveredSql = """
        UPDATE alert_outbox SET delivered_at = @Now, attempts = attempts + 1, last_error = NULL, claimed_by = NULL, claimed_until = NULL
        WHERE id = @Id AND delivered_at IS NULL
        """;

    private const string MarkFailedSql = """
        UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = @Next, last_error = @Error, claimed_by = NULL, claimed_until = NULL
        WHERE id = @Id AND claimed_by = @Node AND delivered_at IS NULL
        """;

    private const string RenewSql = "UPDATE alert_outbox SET claimed_until = @Until WHERE id = @Id AND claimed_by = @Node AND delivered_at IS NULL";

    private const string ReleaseSql = "UPDATE alert_outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = @Id AND claimed_by = @Node AND delivered_at IS NULL";

    /// <summary>Claims up to <paramref name="limit"/> due alerts for this node, oldest first.</summary>
    public async Task<IReadOnlyList<PendingAlert>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var settings = cluster.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PendingAlert>(new CommandDefinition(
            Claim + database.Sql(DueRows, DueRows + " FOR UPDATE SKIP LOCKED") + Claimed,
            new { Now = DbTime.Text(now), Limit = limit, Node = settings.ResolveNodeName(), Until = DbTime.Text(now + settings.AlertClaimLease) },
            cancellationToken: cancellationToken));
        return [.. rows.OrderBy(r => r.Id)];
    }

    /// <summary>Gives back a claimed alert this run did not try (its channel failed earlier in the run): any node may take it.</summary>
    public async Task ReleaseAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { Id = id, Node = cluster.Value.ResolveNodeName() }, cancellationToken: cancellationToken));
    }

    /// <summary>Extends this node's claim on one alert from <paramref name="now"/>; false when the alert is no longer this node's to send.</summary>
    public async Task<bool> RenewAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = cluster.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            RenewSql, new { Id = id, Node = settings.ResolveNodeName(), Until = DbTime.Text(now + settings.AlertClaimLease) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task MarkDeliveredAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkDeliveredSql, new { Id = id, Now = DbTime.Text(now) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records a failed attempt and its retry time, only while this node still holds the claim: a node whose lease ran out
    /// must not push back (or count a failure on) an alert another node now holds and may already have sent. False when
    /// the claim was no longer this node's and nothing was written.
    /// </summary>
    public async Task<bool> MarkFailedAsync(long id, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            MarkFailedSql, new { Id = id, Next = DbTime.Text(nextAttempt), Error = error, Node = cluster.Value.ResolveNodeName() }, cancellationToken: cancellationToken)) == 1;
    }
}
