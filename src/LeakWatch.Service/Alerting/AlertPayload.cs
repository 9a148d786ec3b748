using System.Text.Json;
using System.Text.Json.Serialization;

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
