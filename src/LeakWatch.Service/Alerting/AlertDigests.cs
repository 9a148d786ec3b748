using Dapper;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Turns the digest items of each finished period (UTC hour or day) into one alert per channel, through the outbox.
/// The key is per channel and period, and the items are marked in the same transaction, so a period is summarized once.
/// </summary>
internal sealed class AlertDigests(
    Database database,
    IdempotencyKeys keys,
    IOptions<AlertingOptions> options,
    ILogger<AlertDigests> logger)
{
    /// <summary>Incidents listed in full in one digest; the rest are counted.</summary>
    public const int MaxListed = 50;

    private const string SelectPending = """
        SELECT incident_id AS IncidentId, added_at AS AddedAt
        FROM alert_digest_items
        WHERE channel = @Channel AND digest_key IS NULL AND added_at < @Before
        ORDER BY added_at
        """;

    private const string SelectIncidents = "SELECT " + IncidentRow.Columns + " FROM incidents WHERE id IN @Ids ORDER BY patients_total DESC, id";

    private const string InsertOutbox = """
        INSERT INTO alert_outbox (idempotency_key, channel, kind, incident_id, revision, payload, created_at, next_attempt_at)
        VALUES (@Key, @Channel, 'digest', NULL, NULL, @Payload, @Now, @Now)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string MarkItems = """
        UPDATE alert_digest_items SET digest_key = @Key
        WHERE channel = @Channel AND digest_key IS NULL AND added_at >= @From AND added_at < @To
        """;

    public async Task<int> QueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var channel in options.Value.Channels.Where(c => c.Digest != DigestMode.None))
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
            var instance = await keys.InstanceAsync(connection, transaction, cancellationToken);
            var currentPeriod = PeriodStart(channel.Digest, now);
            var pending = await connection.QueryAsync<(long IncidentId, string AddedAt)>(new CommandDefinition(
                SelectPending, new { Channel = channel.Name, Before = DbTime.Text(currentPeriod) }, transaction, cancellationToken: cancellationToken));

            foreach (var period in pending.GroupBy(p => PeriodStart(channel.Digest, DbTime.Parse(p.AddedAt))))
            {
                var from = period.Key;
                var to = PeriodEnd(channel.Digest, from);
                var ids = period.Select(p => p.IncidentId).Distinct().ToList();
                var incidents = (await connection.QueryAsync<IncidentRow>(new CommandDefinition(
                    SelectIncidents, new { Ids = ids }, transaction, cancellationToken: cancellationToken))).ToList();
                var key = IdempotencyKeys.Digest(instance, channel.Digest, from, channel.Name);
                var payload = new AlertPayload
                {
                    Type = AlertPayload.DigestType,
                    IdempotencyKey = key,
                    CreatedAt = now,
                    Digest = new DigestAlert(
                        channel.Digest.ToString().ToLowerInvariant(),
                        from,
                        to,
                        incidents.Count,
                        [.. incidents.Take(MaxListed).Select(i => IncidentAlert.From(i, options.Value.ConsoleBaseUrl))],
                        Math.Max(0, incidents.Count - MaxListed)),
                };
                await connection.ExecuteAsync(new CommandDefinition(InsertOutbox, new
                {
                    Key = key,
                    Channel = channel.Name,
                    Payload = payload.ToJson(),
                    Now = DbTime.Text(now),
                }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(MarkItems, new
                {
                    Key = key,
                    Channel = channel.Name,
                    From = DbTime.Text(from),
                    To = DbTime.Text(to),
                }, transaction, cancellationToken: cancellationToken));
                Log.DigestQueued(logger, key, channel.Name, incidents.Count);
                queued++;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return queued;
    }

    public static DateTimeOffset PeriodStart(DigestMode mode, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return mode == DigestMode.Daily
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset PeriodEnd(DigestMode mode, DateTimeOffset start) =>
        mode == DigestMode.Daily ? start.AddDays(1) : start.AddHours(1);
}
