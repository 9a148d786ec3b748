using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Storage;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// The same enrollment written to SQLite and to PostgreSQL reads back alike, chunk for chunk, and builds the same index
/// file byte for byte: PostgreSQL reads keys and ordinals through two cursors in one snapshot, SQLite side by side.
/// </summary>
public sealed class StoredFingerprintsOnPostgresTests : IDisposable
{
    private static readonly byte[] MacKey = [.. Enumerable.Repeat((byte)0x5A, 32)];
    private readonly StoreFixture _sqlite = new();
    private readonly StoreFixture _postgres = new(PostgresDatabase.Create());

    public void Dispose()
    {
        _sqlite.Dispose();
        _postgres.Dispose();
    }

    /// <summary>3000 patients in chunks of 37 entries, with runs of patients without a linked fingerprint and one with 400.</summary>
    private static async Task EnrollAsync(FingerprintStore store)
    {
        var random = new Random(1212);
        await using var writer = await store.BeginEnrollmentAsync("same.csv", CancellationToken.None, chunkEntries: 37);
        for (var p = 0; p < 3000; p++)
        {
            var ordinal = writer.AddPatient(new Fingerprint(new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())));
            for (var k = 0; k < (p == 1234 ? 400 : p % 5); k++) writer.AddLinked((ulong)random.NextInt64(), ordinal);
            writer.AddSetMember((ulong)(p % 97));
        }
        await writer.CommitAsync(new EnrollmentTotals(3000, new Dictionary<string, long>(), TimeSpan.FromSeconds(1)), DateTimeOffset.UnixEpoch, CancellationToken.None);
    }

    private static async Task<(List<string> Chunks, byte[] Index)> ReadAsync(StoreFixture fixture)
    {
        await EnrollAsync(fixture.Store);
        await using var source = await StoredFingerprints.OpenActiveAsync(fixture.Database, CancellationToken.None);
        Assert.NotNull(source);
        var chunks = new List<string>();
        source.ReadPatients(p => chunks.Add("P" + string.Join(',', p.ToArray())));
        source.ReadLinked((keys, patients) => chunks.Add("L" + string.Join(',', keys.ToArray()) + "/" + string.Join(',', patients.ToArray())));
        source.ReadMembers(m => chunks.Add("M" + string.Join(',', m.ToArray())));
        var target = new BytesTarget();
        // Small parts, so that the build reads the linked fingerprints several times over in the one snapshot.
        FingerprintIndexBuilder.Build(source, source.EnrollmentId, MacKey, target, partEntries: 1000);
        return (chunks, target.Bytes);
    }

    [Fact]
    public async Task StoredFingerprints_SameEnrollmentOnBothProviders_SameChunksAndTheSameIndexByteForByte()
    {
        var (sqliteChunks, sqliteIndex) = await ReadAsync(_sqlite);
        var (postgresChunks, postgresIndex) = await ReadAsync(_postgres);

        Assert.True(sqliteChunks.Count(c => c[0] == 'L') > 100, "the linked fingerprints span many chunks");
        Assert.Equal(sqliteChunks, postgresChunks);
        Assert.True(sqliteIndex.Length > 0);
        Assert.Equal(sqliteIndex, postgresIndex);
    }

    [Fact]
    public async Task StoredFingerprints_OnPostgresLinkedReadTwice_ReadsTheSameAgainInTheSameSnapshot()
    {
        await EnrollAsync(_postgres.Store);
        await using var source = await StoredFingerprints.OpenActiveAsync(_postgres.Database, CancellationToken.None);
        Assert.NotNull(source);
        var first = new List<(ulong, int)>();
        var second = new List<(ulong, int)>();
        source.ReadLinked((keys, patients) => { for (var i = 0; i < keys.Length; i++) first.Add((keys[i], patients[i])); });
        await EnrollAsync(_postgres.Store); // a new enrollment commits meanwhile: this reader keeps its snapshot
        source.ReadLinked((keys, patients) => { for (var i = 0; i < keys.Length; i++) second.Add((keys[i], patients[i])); });

        Assert.Equal(source.Linked, first.Count);
        Assert.Equal(first, second);
    }

    private sealed class BytesTarget : IIndexTarget
    {
        public byte[] Bytes { get; private set; } = [];

        public void SetLength(long length) => Bytes = new byte[length];

        public void Write(long offset, ReadOnlySpan<byte> data) => data.CopyTo(Bytes.AsSpan((int)offset));

        public void Read(long offset, Span<byte> data) => Bytes.AsSpan((int)offset, data.Length).CopyTo(data);
    }
}
