using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using System.Data.Common;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// Idempotency keys: the same incident revision (or digest period) for the same channel always gets the same key, so a
/// receiver can drop a repeat after a crash between sending and recording the delivery. Keys carry the database's
/// instance id, so a database made anew does not reuse the keys of an old one. The e-mail Message-Id is derived from it.
/// </summary>
internal sealed class IdempotencyKeys
{
    private const string SelectInstance = "SELECT value FROM meta WHERE name = 'alerting.instance'";

    private string? _instance;

    public async Task<string> InstanceAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        if (_instance is not null) return _instance;
        var value = await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectInstance, transaction: transaction, cancellationToken: cancellationToken));
        _instance = value ?? throw new InvalidOperationException("The database has no alerting instance id (migration 0300 not applied).");
        return _instance;
    }

    public static string Incident(string instance, long incidentId, int revision, string channel) =>
        string.Create(CultureInfo.InvariantCulture, $"lw-{instance}-incident-{incidentId}-r{revision}-{ChannelTag(channel)}");

    public static string Digest(string instance, DigestMode mode, DateTimeOffset periodStart, string channel) =>
        string.Create(CultureInfo.InvariantCulture, $"lw-{instance}-digest-{mode.ToString().ToLowerInvariant()}-{periodStart.UtcDateTime:yyyyMMddHH}-{ChannelTag(channel)}");

    /// <summary>Test alerts are not repeats of anything: a fresh random key each time.</summary>
    public static string Test() => "lw-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Channel names are free text; keys and Message-Ids want a short token.</summary>
    public static string ChannelTag(string channel) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel.ToUpperInvariant())))[..8];

    public static string MessageId(string idempotencyKey) => idempotencyKey + "@leakwatch";
}
