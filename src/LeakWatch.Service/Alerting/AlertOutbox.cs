using Dapper;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Alerting;

/// <summary>An <c>alert_outbox</c> row waiting for delivery.</summary>
internal sealed record PendingAlert(long Id, string IdempotencyKey, string Channel, string Payload, long Attempts);

/// <summary>The outbox table: which alerts are due, and what became of each attempt.</summary>
internal sealed class AlertOutbox(Database database)
{
    private const string SelectDue = """
        SELECT id AS Id, idempotency_key AS IdempotencyKey, channel AS Channel, payload AS Payload, attempts AS Attempts
        FROM alert_outbox
        WHERE delivered_at IS NULL AND next_attempt_at <= @Now
        ORDER BY id
        LIMIT @Limit
        """;

    private const string MarkDeliveredSql = """
        UPDATE alert_outbox SET delivered_at = @Now, attempts = attempts + 1, last_error = NULL
        WHERE id = @Id AND delivered_at IS NULL
        """;

    private const string MarkFailedSql = """
        UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = @Next, last_error = @Error
        WHERE id = @Id AND delivered_at IS NULL
        """;

    public async Task<IReadOnlyList<PendingAlert>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PendingAlert>(new CommandDefinition(
            SelectDue, new { Now = DbTime.Text(now), Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task MarkDeliveredAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkDeliveredSql, new { Id = id, Now = DbTime.Text(now) }, cancellationToken: cancellationToken));
    }

    public async Task MarkFailedAsync(long id, DateTimeOffset nextAttempt, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            MarkFailedSql, new { Id = id, Next = DbTime.Text(nextAttempt), Error = error }, cancellationToken: cancellationToken));
    }
}
