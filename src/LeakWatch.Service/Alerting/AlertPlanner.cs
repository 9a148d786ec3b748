using System.Data.Common;
using Dapper;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Decides, per channel, what an incident change becomes: an alert in the outbox now, an item of the channel's next
/// digest, or nothing. Runs inside the transaction that changed the incident, so the change and its alerts are
/// written together or not at all.
/// </summary>
internal sealed class AlertPlanner(IOptions<AlertingOptions> options, IdempotencyKeys keys) : IIncidentChangeHandler
{
    private const string InsertOutbox = """
        INSERT INTO alert_outbox (idempotency_key, channel, kind, incident_id, revision, payload, created_at, next_attempt_at)
        VALUES (@Key, @Channel, @Kind, @IncidentId, @Revision, @Payload, @Now, @Now)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string InsertDigestItem = """
        INSERT INTO alert_digest_items (channel, incident_id, revision, new_patients, added_at)
        VALUES (@Channel, @IncidentId, @Revision, @NewPatients, @Now)
        ON CONFLICT (channel, incident_id, revision) DO NOTHING
        """;

    /// <returns>How many alerts were queued and how many digest items were added.</returns>
    public async Task<IncidentFollowUp> HandleAsync(DbConnection connection, DbTransaction transaction, IncidentRow incident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var instance = await keys.InstanceAsync(connection, transaction, cancellationToken);
        var (alerts, digestItems) = (0, 0);
        foreach (var channel in settings.Channels)
        {
            var route = Route(channel, incident);
            if (route == AlertRoute.Immediate)
            {
                var key = IdempotencyKeys.Incident(instance, incident.Id, (int)incident.Revision, channel.Name);
                var payload = new AlertPayload
                {
                    Type = incident.Revision == 1 ? AlertPayload.IncidentNew : AlertPayload.IncidentGrown,
                    IdempotencyKey = key,
                    CreatedAt = now,
                    Incident = IncidentAlert.From(incident, settings.ConsoleBaseUrl),
                };
                alerts += await connection.ExecuteAsync(new CommandDefinition(InsertOutbox, new
                {
                    Key = key,
                    Channel = channel.Name,
                    Kind = payload.Type,
                    IncidentId = incident.Id,
                    incident.Revision,
                    Payload = payload.ToJson(),
                    Now = DbTime.Text(now),
                }, transaction, cancellationToken: cancellationToken));
            }
            else if (route == AlertRoute.Digest && channel.Digest != DigestMode.None)
            {
                digestItems += await connection.ExecuteAsync(new CommandDefinition(InsertDigestItem, new
                {
                    Channel = channel.Name,
                    IncidentId = incident.Id,
                    incident.Revision,
                    NewPatients = incident.LastGrowth,
                    Now = DbTime.Text(now),
                }, transaction, cancellationToken: cancellationToken));
            }
        }
        return new IncidentFollowUp(alerts, digestItems);
    }

    /// <summary>At or above the channel's threshold: enough patients found with enough confidence.</summary>
    public static bool IsImmediate(AlertChannelOptions channel, IncidentRow incident) =>
        incident.PatientsAtLeast(channel.MinConfidence) >= channel.MinPatients;

    /// <summary>
    /// Each kind has its own threshold: patients by count and confidence (below it, the digest); canaries, early
    /// warnings and suspicious dumps by the channel's route for the kind.
    /// </summary>
    public static AlertRoute Route(AlertChannelOptions channel, IncidentRow incident) => incident.Kind == IncidentKind.PatientLeak
        ? IsImmediate(channel, incident) ? AlertRoute.Immediate : AlertRoute.Digest
        : channel.RouteOf(incident.Kind);
}
