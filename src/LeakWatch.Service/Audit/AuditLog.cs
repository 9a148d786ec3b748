using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using LeakWatch.Service.Storage;
using System.Data.Common;

namespace LeakWatch.Service.Audit;

/// <summary>What happened, by whom, to what. Never a patient value: targets are incident ids and user names.</summary>
internal sealed record AuditEvent(string Actor, string Action, string Target = "", string Detail = "", string Address = "");

/// <summary>An <c>audit_log</c> row.</summary>
internal sealed record AuditEntry(long Id, string At, string Actor, string Action, string Target, string Detail, string Address, string Mac)
{
    public const string Columns = "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, address AS Address, mac AS Mac";
}

/// <summary>The first entry that breaks the chain, or none: <see cref="BrokenId"/> is null when it holds.</summary>
internal sealed record AuditVerification(long Entries, long? BrokenId, string? Reason);

/// <summary>
/// The append-only audit log. Each entry's MAC is a keyed hash over the previous entry's MAC and its own fields, and a
/// keyed "head" names the last entry, so editing, deleting or cutting off entries shows when the chain is verified.
/// </summary>
internal sealed class AuditLog(Database database, ConsoleSubKeys subKeys, TimeProvider time) : IDisposable
{
    private const string HeadSetting = "audit.head";
    private const string Genesis = "genesis";

    // Appends are serialized in process; BEGIN IMMEDIATE serializes them with a verb writing from another process.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
            await AppendAsync(connection, transaction, entry, key, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Appends inside the caller's write transaction (opened with <see cref="Database.BeginWriteAsync"/>, so the
    /// chain's last entry cannot change under it): the action and its audit entry are committed together or not at all.
    /// The key comes from <see cref="KeyAsync"/>, asked before the transaction (the first ask may write to the database).
    /// </summary>
    public async Task AppendAsync(DbConnection connection, DbTransaction transaction, AuditEvent entry, byte[] key, CancellationToken cancellationToken)
    {
        var last = await connection.QuerySingleOrDefaultAsync<LastEntry>(new CommandDefinition(
            "SELECT id AS Id, mac AS Mac FROM audit_log ORDER BY id DESC LIMIT 1", transaction: transaction, cancellationToken: cancellationToken));
        var id = (last?.Id ?? 0) + 1;
        var row = new AuditEntry(id, DbTime.Text(time.GetUtcNow()), entry.Actor, entry.Action, entry.Target, entry.Detail, entry.Address, "");
        row = row with { Mac = Mac(key, last?.Mac ?? Genesis, row) };
        await connection.ExecuteAsync(new CommandDefinition(Insert, row, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO console_settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            new { Name = HeadSetting, Value = Head(key, row.Id, row.Mac) }, transaction, cancellationToken: cancellationToken));
    }

    public Task<byte[]> KeyAsync(CancellationToken cancellationToken) => subKeys.GetAsync(ConsoleSubKeys.AuditPurpose, cancellationToken);

    /// <summary>Walks the whole chain, oldest first, and names the first entry that does not hold.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var key = await subKeys.GetAsync(ConsoleSubKeys.AuditPurpose, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var previous = Genesis;
        long expected = 1;
        long count = 0;
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT " + AuditEntry.Columns + " FROM audit_log ORDER BY id", cancellationToken: cancellationToken)))
        {
            var parser = reader.GetRowParser<AuditEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = parser(reader);
                if (row.Id != expected)
                {
                    return new AuditVerification(count, row.Id, string.Create(CultureInfo.InvariantCulture,
                        $"entry {row.Id} follows entry {expected - 1}: entries {expected} to {row.Id - 1} were deleted"));
                }
                if (!FixedEquals(Mac(key, previous, row), row.Mac))
                {
                    return new AuditVerification(count, row.Id, string.Create(CultureInfo.InvariantCulture,
                        $"entry {row.Id} ({row.At}, {row.Action}) does not match its keyed hash: it was edited, or the entry before it was replaced"));
                }
                previous = row.Mac;
                expected++;
                count++;
            }
        }
        var head = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM console_settings WHERE name = @Name", new { Name = HeadSetting }, cancellationToken: cancellationToken));
        if (count > 0 && (head is null || !FixedEquals(Head(key, count, previous), head)))
        {
            return new AuditVerification(count, count, string.Create(CultureInfo.InvariantCulture,
                $"entry {count} is not the last entry written: entries after it were deleted"));
        }
        if (count == 0 && head is not null)
        {
            return new AuditVerification(0, 1, "the log is empty but entries were written: they were deleted");
        }
        return new AuditVerification(count, null, null);
    }

    /// <summary>A page of entries, newest first, optionally filtered; <see cref="AuditFilter.BeforeId"/> pages back.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntry>(new CommandDefinition(Select, new
        {
            Actor = NullIfEmpty(filter.Actor),
            Action = NullIfEmpty(filter.Action),
            Target = NullIfEmpty(filter.Target),
            Before = filter.BeforeId ?? long.MaxValue,
            Limit = filter.Limit,
        }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public void Dispose() => _gate.Dispose();

    internal static string Mac(byte[] key, string previous, AuditEntry row)
    {
        // A JSON array is an unambiguous encoding of the fields: no separator can be smuggled inside one.
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new object[]
        {
            previous, row.Id, row.At, row.Actor, row.Action, row.Target, row.Detail, row.Address,
        });
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, canonical));
    }

    private static string Head(byte[] key, long id, string mac) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("head:" + id.ToString(CultureInfo.InvariantCulture) + ":" + mac)));

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private sealed record LastEntry(long Id, string Mac);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private const string Insert = """
        INSERT INTO audit_log (id, at, actor, action, target, detail, address, mac)
        VALUES (@Id, @At, @Actor, @Action, @Target, @Detail, @Address, @Mac)
        """;

    private const string Select = "SELECT " + AuditEntry.Columns + """
         FROM audit_log
        WHERE id < @Before
          AND (@Actor IS NULL OR actor = @Actor)
          AND (@Action IS NULL OR action = @Action)
          AND (@Target IS NULL OR target = @Target)
        ORDER BY id DESC
        LIMIT @Limit
        """;
}

internal sealed record AuditFilter(string? Actor = null, string? Action = null, string? Target = null, long? BeforeId = null, int Limit = 100);

/// <summary>The actions the log records: one vocabulary for the pages, the CSV and the tests.</summary>
internal static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string SignOut = "sign-out";
    public const string SessionExpired = "session-expired";
    public const string PasswordChanged = "password-changed";
    public const string SecondFactorEnrolled = "second-factor-enrolled";
    public const string SecondFactorFailed = "second-factor-failed";
    public const string UserAdded = "user-added";
    public const string UserDisabled = "user-disabled";
    public const string UserReset = "user-reset";
    public const string SettingChanged = "setting-changed";
    public const string IncidentViewed = "incident-viewed";
    public const string IncidentConfirmed = "incident-confirmed";
    public const string IncidentDismissed = "incident-dismissed";
    public const string IncidentAssigned = "incident-assigned";
    public const string IncidentCommented = "incident-commented";
    public const string CnilNotified = "cnil-notified";
    public const string PatientsNotified = "patients-notified";
    public const string ReportViewed = "report-viewed";
    public const string PatientsExported = "patients-exported";
    public const string AuditExported = "audit-exported";
    public const string RetentionPurged = "retention-purged";
    public const string CanaryRetired = "canary-retired";

    public static string IncidentTarget(long id) => "incident/" + id.ToString(CultureInfo.InvariantCulture);

    public static string UserTarget(string name) => "user/" + name;
}
