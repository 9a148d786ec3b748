using System.Data.Common;
using Dapper;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Canaries;

/// <summary>The fingerprints of one canary: its opaque reference, its linked keys with their kinds, its name-set members.</summary>
internal sealed record CanaryFingerprints(Fingerprint Reference, IReadOnlyList<(FingerprintKind Kind, ulong Key)> Linked, IReadOnlyList<ulong> Members);

/// <summary>A <c>canary create</c> as <c>canary list</c> shows it: never a value. <paramref name="RetiredAt"/>: no longer matched since.</summary>
internal sealed record CanarySetInfo(long Id, string System, long Canaries, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt = null);

/// <summary>
/// The canaries' fingerprints, in their own tables: an enrollment replaces the patients, never the canaries. What the
/// matcher and the enrollment read of them is a <see cref="CanaryBook"/>.
/// </summary>
internal sealed class CanaryStore(Database database, TimeProvider time)
{
    private const string InsertSet = "INSERT INTO canary_sets (system, canaries, created_at) VALUES (@System, @Canaries, @CreatedAt) RETURNING id";
    private const string InsertFingerprint = "INSERT INTO canary_fingerprints (set_id, canary, kind, key) VALUES (@set, @canary, @kind, @key)";
    private const string InsertMember = "INSERT INTO canary_members (set_id, key) VALUES (@set, @key)";
    private const string SelectSets = "SELECT id AS Id, system AS System, canaries AS Canaries, created_at AS CreatedAt, retired_at AS RetiredAt FROM canary_sets ORDER BY id";
    // The revision moves with every change that is not a new set: shadow flags (each enrollment), a retired system. The
    // active enrollment is part of it: the shadow flags are that enrollment's, and one statement reads both.
    private const string SelectVersion =
        "SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce((SELECT value FROM meta WHERE name = '" + RevisionName + "'), '0')"
        + " || ':' || coalesce((" + SelectActiveEnrollment + "), 0) FROM canary_sets";
    private const string SelectActiveEnrollment = "SELECT id FROM enrollments WHERE state = 'active'";
    private const string RevisionName = "canary_revision";
    private const string BumpRevision = """
        INSERT INTO meta (name, value) VALUES ('canary_revision', '1')
        ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)
        """;
    private const string SelectFingerprints = """
        SELECT s.system, f.canary, f.kind, f.key, f.shadowed FROM canary_fingerprints f JOIN canary_sets s ON s.id = f.set_id
        WHERE s.retired_at IS NULL OR @IncludeRetired ORDER BY f.set_id, f.canary
        """;
    private const string ClearShadowed = "UPDATE canary_fingerprints SET shadowed = 0 WHERE shadowed <> 0";
    private const string SetShadowed = "UPDATE canary_fingerprints SET shadowed = 1 WHERE key = @Key";
    private const string SelectMembers =
        "SELECT DISTINCT m.key FROM canary_members m JOIN canary_sets s ON s.id = m.set_id WHERE s.retired_at IS NULL OR @IncludeRetired";
    private const string Retire = "UPDATE canary_sets SET retired_at = @Now WHERE system = @System AND retired_at IS NULL";

    /// <summary>Records one set of canaries for <paramref name="system"/>, in one transaction.</summary>
    public async Task<CanarySetInfo> AddSetAsync(string system, IReadOnlyList<CanaryFingerprints> canaries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await Database.BeginWriteAsync(connection, cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSet,
            new { System = system, Canaries = canaries.Count, CreatedAt = DbTime.Text(now) }, tx, cancellationToken: cancellationToken));

        await using var fingerprint = connection.CreateCommand();
        fingerprint.Transaction = tx;
        fingerprint.CommandText = InsertFingerprint;
        fingerprint.AddParameter("set", System.Data.DbType.Int64).Value = id;
        var canary = fingerprint.AddParameter("canary", System.Data.DbType.Binary);
        var kind = fingerprint.AddParameter("kind", System.Data.DbType.Int64);
        var key = fingerprint.AddParameter("key", System.Data.DbType.Int64);
        await using var member = connection.CreateCommand();
        member.Transaction = tx;
        member.CommandText = InsertMember;
        member.AddParameter("set", System.Data.DbType.Int64).Value = id;
        var memberKey = member.AddParameter("key", System.Data.DbType.Int64);
        foreach (var one in canaries)
        {
            canary.Value = one.Reference.ToBytes();
            foreach (var (k, value) in one.Linked)
            {
                kind.Value = (long)(int)k;
                key.Value = unchecked((long)value);
                await fingerprint.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var value in one.Members)
            {
                memberKey.Value = unchecked((long)value);
                await member.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await tx.CommitAsync(cancellationToken);
        return new CanarySetInfo(id, system, canaries.Count, now);
    }

    public async Task<IReadOnlyList<CanarySetInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SetRow>(new CommandDefinition(SelectSets, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CanarySetInfo(r.Id, r.System, r.Canaries, DbTime.Parse(r.CreatedAt), r.RetiredAt is null ? null : DbTime.Parse(r.RetiredAt)))];
    }

    /// <summary>
    /// Changes whenever a set is added, removed or retired, whenever the shadow flags are written, and with the active
    /// enrollment: the scanner reloads its index when it does.
    /// </summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectVersion, cancellationToken: cancellationToken)) ?? "0:0";
    }

    /// <summary>
    /// The matched canaries' fingerprints, with the system each was made for; with <paramref name="includeRetired"/>,
    /// retired ones too (what an export must keep out of the patients, what a new canary must not reuse). Read in one
    /// transaction with the id of the enrollment whose shadow flags they carry (<see cref="CanaryBook.EnrollmentId"/>).
    /// </summary>
    public async Task<CanaryBook> LoadAsync(CancellationToken cancellationToken, bool includeRetired = false)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await Database.BeginReadAsync(connection, cancellationToken);
        var version = await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectVersion, transaction: tx, cancellationToken: cancellationToken)) ?? "0:0";
        var enrollment = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectActiveEnrollment, transaction: tx, cancellationToken: cancellationToken)) ?? 0;
        var references = new List<Fingerprint>();
        var systems = new List<string>();
        var linked = new List<(int Canary, FingerprintKind Kind, ulong Key)>();
        var shadowed = new HashSet<ulong>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = SelectFingerprints;
            command.AddParameter("IncludeRetired", System.Data.DbType.Boolean).Value = includeRetired;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var buffer = new byte[Fingerprint.Size];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetBytes(1, 0, buffer, 0, buffer.Length);
                var reference = Fingerprint.Read(buffer);
                if (references.Count == 0 || references[^1] != reference)
                {
                    references.Add(reference);
                    systems.Add(reader.GetString(0));
                }
                var key = unchecked((ulong)reader.GetInt64(3));
                linked.Add((references.Count - 1, (FingerprintKind)reader.GetInt32(2), key));
                if (reader.GetInt64(4) != 0) shadowed.Add(key);
            }
        }
        var members = (await connection.QueryAsync<long>(new CommandDefinition(SelectMembers, new { IncludeRetired = includeRetired }, tx, cancellationToken: cancellationToken)))
            .Select(m => unchecked((ulong)m)).ToArray();
        return new CanaryBook(version, [.. references], [.. systems], linked, members, shadowed, enrollment);
    }

    /// <summary>
    /// In the enrollment's own transaction (so that an enrollment and its flags commit together or not at all): the
    /// canary values that an enrolled patient shares (<paramref name="keys"/>) count for the patient only, so a hit on
    /// them is never taken for the canary's. Replaces the previous enrollment's list, and moves the version.
    /// </summary>
    public static async Task SetShadowedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<ulong> keys, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(ClearShadowed, transaction: transaction, cancellationToken: cancellationToken));
        foreach (var key in keys)
        {
            await connection.ExecuteAsync(new CommandDefinition(SetShadowed, new { Key = unchecked((long)key) }, transaction, cancellationToken: cancellationToken));
        }
        await connection.ExecuteAsync(new CommandDefinition(BumpRevision, transaction: transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Retires every set of <paramref name="system"/> still matched: from the next scan on, its canaries raise nothing.
    /// <paramref name="audit"/> is written in the same transaction. The number of canaries retired (0: none was matched).
    /// </summary>
    public async Task<long> RetireAsync(string system, Func<DbConnection, DbTransaction, long, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await Database.BeginWriteAsync(connection, cancellationToken);
        var canaries = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT coalesce(sum(canaries), 0) FROM canary_sets WHERE system = @System AND retired_at IS NULL", new { System = system }, tx, cancellationToken: cancellationToken));
        if (canaries == 0) return 0;
        await connection.ExecuteAsync(new CommandDefinition(Retire, new { System = system, Now = DbTime.Text(time.GetUtcNow()) }, tx, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(BumpRevision, transaction: tx, cancellationToken: cancellationToken));
        await audit(connection, tx, canaries, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return canaries;
    }

    private sealed record SetRow(long Id, string System, long Canaries, string CreatedAt, string? RetiredAt);
}

/// <summary>
/// The canaries as the matcher and the enrollment see them: references, the system of each, their linked keys by kind,
/// and their name-set members. Small (a few dozen fingerprints a canary), held in memory.
/// </summary>
internal sealed class CanaryBook
{
    private readonly Dictionary<UInt128, string> _systemOf = [];
    private readonly Dictionary<ulong, List<(int Canary, FingerprintKind Kind)>> _byKey = [];

    private readonly IReadOnlySet<ulong> _shadowed;

    public CanaryBook(string version, Fingerprint[] references, string[] systems, IReadOnlyList<(int Canary, FingerprintKind Kind, ulong Key)> linked,
        ulong[] members, IReadOnlySet<ulong>? shadowed = null, long enrollmentId = 0)
    {
        _shadowed = shadowed ?? new HashSet<ulong>();
        Version = version;
        EnrollmentId = enrollmentId;
        References = references;
        Systems = systems;
        Linked = linked;
        Members = members;
        for (var i = 0; i < references.Length; i++) _systemOf[references[i].Value] = systems[i];
        foreach (var (canary, kind, key) in linked)
        {
            if (!_byKey.TryGetValue(key, out var list)) _byKey[key] = list = [];
            list.Add((canary, kind));
        }
    }

    public static CanaryBook Empty { get; } = new("0:0", [], [], [], []);

    public string Version { get; }

    /// <summary>The enrollment active when the book was read (0: none): its shadow flags are the book's.</summary>
    public long EnrollmentId { get; }

    public Fingerprint[] References { get; }

    public string[] Systems { get; }

    public IReadOnlyList<(int Canary, FingerprintKind Kind, ulong Key)> Linked { get; }

    public ulong[] Members { get; }

    public int Count => References.Length;

    /// <summary>The system a canary was made for, or null when <paramref name="reference"/> is not a canary's.</summary>
    public string? SystemOf(Fingerprint reference) => _systemOf.GetValueOrDefault(reference.Value);

    /// <summary>The canaries (ordinals) and kinds that share <paramref name="key"/>.</summary>
    public IReadOnlyList<(int Canary, FingerprintKind Kind)> Find(ulong key) => _byKey.TryGetValue(key, out var list) ? list : [];

    /// <summary>Linked keys that an enrolled patient shares: left out of the matcher's index, they count for the patient only.</summary>
    public int Shadowed => _shadowed.Count;

    /// <summary>
    /// The canaries as a snapshot to append after the patients (ordinals from 0), for the matcher's index; values an
    /// enrolled patient shares are left out.
    /// </summary>
    public FingerprintSnapshot ToSnapshot()
    {
        var linked = Linked.Where(l => !_shadowed.Contains(l.Key)).ToList();
        return new()
        {
            Patients = [.. References],
            LinkedKeys = [.. linked.Select(l => l.Key)],
            LinkedPatients = [.. linked.Select(l => l.Canary)],
            SetMembers = [.. Members],
        };
    }

    public override string ToString() => $"CanaryBook({Count} canaries)";
}
