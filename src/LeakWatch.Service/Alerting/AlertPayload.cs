using System.Text.Json;
using System.Text.Json.Serialization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// What an alert says: where, when, how many of our patients by confidence, which kinds of field, which rules, and a
/// link to the console. By construction it has no place for a patient value or reference. Stored as JSON in the
/// outbox (so a retry sends what was decided when the incident changed) and sent as is by generic webhooks.
/// </summary>
internal sealed record AlertPayload
{
    public const string IncidentNew = "incident.new";
    public const string IncidentGrown = "incident.grown";
    public const string DigestType = "digest";
    public const string TestType = "test";

    /// <summary><c>incident.new</c>, <c>incident.grown</c>, <c>digest</c> or <c>test</c>.</summary>
    public required string Type { get; init; }

    /// <summary>True only for <c>leakwatch alerts test</c>: nothing happened.</summary>
    public bool Test { get; init; }

    /// <summary>Stable per incident, revision and channel (per period and channel for digests): drop repeats.</summary>
    public required string IdempotencyKey { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public IncidentAlert? Incident { get; init; }

    public DigestAlert? Digest { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AlertPayload FromJson(string json) =>
        JsonSerializer.Deserialize<AlertPayload>(json, Json) ?? throw new InvalidOperationException("An outbox payload is empty.");

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <param name="Revision">1 when the incident is created, +1 each time a larger version adds patients.</param>
/// <param name="NewPatients">Patients added by this revision (all of them for revision 1).</param>
/// <param name="Fields">Kinds of field matched (MatchedFields names): never values.</param>
internal sealed record IncidentAlert(
    long Id,
    int Revision,
    string Source,
    string Url,
    string ContentSha256,
    long Bytes,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    PatientCounts Patients,
    int NewPatients,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> Rules,
    string ConsoleUrl)
{
    /// <summary>What an alert says of an incident: counts, kinds of field and rule names (never values), and its console link.</summary>
    public static IncidentAlert From(IncidentRow incident, string consoleBaseUrl) => new(
        incident.Id,
        (int)incident.Revision,
        incident.Source,
        incident.Url,
        incident.ContentSha256,
        incident.Bytes,
        DbTime.Parse(incident.FirstSeen),
        DbTime.Parse(incident.LastSeen),
        new PatientCounts((int)incident.PatientsTotal, (int)incident.PatientsHigh, (int)incident.PatientsMedium, (int)incident.PatientsLow),
        (int)incident.LastGrowth,
        IncidentRow.FieldNames(incident.Fields),
        incident.Rules.Names(),
        IncidentRow.ConsoleLink(consoleBaseUrl, incident.Id));
}

internal sealed record PatientCounts(int Total, int High, int Medium, int Low);

/// <param name="Period"><c>hourly</c> or <c>daily</c>; <paramref name="From"/> and <paramref name="To"/> are UTC.</param>
/// <param name="Omitted">Incidents of the period not listed, to keep the message short.</param>
internal sealed record DigestAlert(
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    int IncidentCount,
    IReadOnlyList<IncidentAlert> Incidents,
    int Omitted);
