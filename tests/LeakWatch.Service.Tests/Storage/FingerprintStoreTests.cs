using Dapper;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Enrollment;

namespace LeakWatch.Service.Tests.Storage;

public class FingerprintStoreTests : IDisposable
{
    private readonly StoreFixture _fixture;

    public FingerprintStoreTests()
        : this(null)
    {
    }

    /// <param name="postgres">Null: SQLite; otherwise the PostgreSQL database the same tests run on (Postgres/OnPostgresTests.cs).</param>
    protected FingerprintStoreTests(string? postgres) => _fixture = new(postgres);

    [Fact]
    public async Task Database_New_IsMigratedWithItsProvidersSettings()
    {
        await using var connection = await _fixture.Database.OpenAsync();

        if (_fixture.Database.IsPostgres)
        {
            // Every migration of the PostgreSQL folder, the same numbers as SQLite's.
            Assert.Equal(Migrator.All.Select(m => m.Version), Migrator.Postgres.Select(m => m.Version));
            Assert.Equal(Migrator.Postgres.Select(m => m.Version), await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
            return;
        }
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("PRAGMA auto_vacuum")); // 2 = incremental
        Assert.Contains(2, await connection.QueryAsync<int>("SELECT version FROM schema_migrations"));
    }

    [Fact]
    public async Task LoadActive_NothingEnrolled_IsNull()
    {
        Assert.Null(await _fixture.Store.LoadActiveAsync(CancellationToken.None));
        Assert.Null(await _fixture.Store.GetActiveEnrollmentAsync(CancellationToken.None));
        Assert.Equal(0, await _fixture.Store.CountPatientsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Writer_ManyChunks_LoadsBackExactlyWhatWasWritten()
    {
        var random = new Random(7);
        var patients = Enumerable.Range(0, 1000).Select(_ => new Fingerprint(new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()))).ToArray();
        var linked = new List<(ulong Key, int Patient)>();
        var members = new HashSet<ulong>();

        await using (var writer = await _fixture.Store.BeginEnrollmentAsync("x.csv", CancellationToken.None, chunkEntries: 37))
        {
            for (var p = 0; p < patients.Length; p++)
            {
                var ordinal = writer.AddPatient(patients[p]);
                Assert.Equal(p, ordinal);
                // Jumps of several ordinals and patients without any linked fingerprint cross the delta encoding's edges.
                for (var k = 0; k < p % 4 * (p % 300 == 0 ? 200 : 1); k++)
                {
                    var key = (ulong)random.NextInt64();
                    writer.AddLinked(key, ordinal);
                    linked.Add((key, ordinal));
                }
                var member = (ulong)(p % 50);
                writer.AddSetMember(member);
                members.Add(member);
            }
            await writer.CommitAsync(new EnrollmentTotals(1000, new Dictionary<string, long> { ["no-identifier"] = 2 }, TimeSpan.FromSeconds(3)), DateTimeOffset.UnixEpoch, CancellationToken.None);
        }

        var snapshot = await _fixture.Store.LoadActiveAsync(CancellationToken.None);
        var info = await _fixture.Store.GetActiveEnrollmentAsync(CancellationToken.None);

        Assert.NotNull(snapshot);
        Assert.Equal(patients, snapshot.Patients);
        Assert.Equal(linked.Select(l => l.Key), snapshot.LinkedKeys);
        Assert.Equal(linked.Select(l => l.Patient), snapshot.LinkedPatients);
        Assert.Equal(members.Order(), snapshot.SetMembers.Order());
        Assert.NotNull(info);
        Assert.Equal(("x.csv", 1000, 1000L, 2L, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3)),
            (info.FileName, info.Patients, info.RowsRead, info.RowsSkipped, info.EnrolledAt, info.Duration));
        Assert.Equal(2, info.SkippedByReason["no-identifier"]);
    }

    [Fact]
    public async Task LoadActive_EnrollmentOfAnOlderScheme_IsRefusedWithReEnroll()
    {
        await using (var writer = await _fixture.Store.BeginEnrollmentAsync("x.csv", CancellationToken.None))
        {
            writer.AddLinked(10, writer.AddPatient(new Fingerprint(1)));
            await writer.CommitAsync(new EnrollmentTotals(1, new Dictionary<string, long>(), TimeSpan.Zero), DateTimeOffset.UnixEpoch, CancellationToken.None);
        }
        Assert.NotNull(await _fixture.Store.LoadActiveAsync(CancellationToken.None));
        await using (var connection = await _fixture.Database.OpenAsync())
        {
            // What an enrollment made before scheme 2 looks like: the migration's default.
            await connection.ExecuteAsync("UPDATE enrollments SET scheme = 1");
        }

        var refused = await Assert.ThrowsAsync<LeakWatchException>(() => _fixture.Store.LoadActiveAsync(CancellationToken.None));

        Assert.StartsWith("re-enroll: the fingerprint scheme changed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadConfiguration, refused.ExitCode);
    }

    [Fact]
    public async Task LoadActive_SameReferenceOnSeveralRows_MergesThemIntoOnePatient()
    {
        var a = new Fingerprint(1);
        var b = new Fingerprint(2);
        await using (var writer = await _fixture.Store.BeginEnrollmentAsync("x.csv", CancellationToken.None))
        {
            writer.AddLinked(10, writer.AddPatient(a));
            writer.AddLinked(20, writer.AddPatient(b));
            writer.AddLinked(30, writer.AddPatient(a));
            await writer.CommitAsync(new EnrollmentTotals(3, new Dictionary<string, long>(), TimeSpan.Zero), DateTimeOffset.UnixEpoch, CancellationToken.None);
        }

        var snapshot = await _fixture.Store.LoadActiveAsync(CancellationToken.None);

        Assert.Equal([a, b], snapshot!.Patients);
        Assert.Equal([0, 1, 0], snapshot.LinkedPatients);
    }

    [Fact]
    public async Task Enroll_ReadFailsMidway_LeavesThePreviousEnrollmentWholeAndNoTrace()
    {
        var enroller = _fixture.Enroller;
        enroller.ChunkEntries = 64; // several chunks are written before the failure
        var firstPath = ExportFiles.Write(_fixture.Root, count: 3000, seed: 1, name: "first.csv");
        using (var first = ExportReader.Open(File.OpenRead(firstPath), new ExportFormat(), h => Core.Normalization.ColumnNames.Classify(h)))
        {
            await enroller.EnrollAsync(first, "first.csv", null, CancellationToken.None);
        }
        var before = await _fixture.Store.LoadActiveAsync(CancellationToken.None);
        var secondBytes = await File.ReadAllBytesAsync(ExportFiles.Write(_fixture.Root, count: 20_000, seed: 2, name: "second.csv"));

        // The disk (or the network share) fails two thirds of the way through the second export.
        var failing = new FailingStream(secondBytes, failAfter: secondBytes.Length * 2 / 3);
        using var second = ExportReader.Open(failing, new ExportFormat(EncodingName: "windows-1252"), h => Core.Normalization.ColumnNames.Classify(h));
        await Assert.ThrowsAsync<IOException>(() => enroller.EnrollAsync(second, "second.csv", null, CancellationToken.None));

        var after = await _fixture.Store.LoadActiveAsync(CancellationToken.None);
        Assert.Equal(before!.Patients, after!.Patients);
        Assert.Equal(before.LinkedKeys, after.LinkedKeys);
        Assert.Equal(before.LinkedPatients, after.LinkedPatients);
        Assert.Equal(before.SetMembers, after.SetMembers);
        Assert.Equal("first.csv", (await _fixture.Store.GetActiveEnrollmentAsync(CancellationToken.None))!.FileName);
        await using var connection = await _fixture.Database.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrollments"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM enrollment_chunks WHERE enrollment_id NOT IN (SELECT id FROM enrollments WHERE state = 'active')"));
    }

    [Fact]
    public async Task Enroll_SameExportThreeTimes_DatabaseDoesNotGrow()
    {
        var path = ExportFiles.Write(_fixture.Root, count: 20_000, seed: 9);
        var sizes = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            using var reader = ExportReader.Open(File.OpenRead(path), new ExportFormat(), h => Core.Normalization.ColumnNames.Classify(h));
            await _fixture.Enroller.EnrollAsync(reader, "export.csv", null, CancellationToken.None);
            sizes.Add(_fixture.DatabaseBytes);
        }

        // The replaced enrollment's pages go back to the file system: no doubling, within a few pages.
        Assert.True(sizes[1] <= sizes[0] * 11 / 10 && sizes[2] <= sizes[0] * 11 / 10, string.Join(", ", sizes));
    }

    [Fact]
    public void MergeDuplicates_PatientEnrolledTwice_KeepsTheFirstOrdinalAndRemapsLinks()
    {
        Fingerprint F(ulong top, ulong bottom) => new(((UInt128)top << 64) | bottom);
        // Same top bits, different references (7 and 8 differ below); a true duplicate of ordinal 0 at 3 and of 1 at 4.
        Fingerprint[] patients = [F(5, 1), F(7, 2), F(7, 3), F(5, 1), F(7, 2), F(9, 4)];
        int[] linked = [0, 1, 2, 3, 4, 5, 3];

        var (merged, links) = FingerprintStore.MergeDuplicates(patients, linked);

        Assert.Equal([F(5, 1), F(7, 2), F(7, 3), F(9, 4)], merged);
        Assert.Equal([0, 1, 2, 0, 1, 3, 0], links);
    }

    [Fact]
    public void MergeDuplicates_OneReference20000TimesAmongOthers_OnePatientAndEveryLinkRemapped()
    {
        Fingerprint F(ulong top, ulong bottom) => new(((UInt128)top << 64) | bottom);
        // Ordinal 0 is another reference with the same top bits; the repeated one first occurs at ordinal 1.
        var patients = new Fingerprint[20_002];
        patients[0] = F(7, 1);
        for (var i = 1; i <= 20_000; i++) patients[i] = F(7, 2);
        patients[20_001] = F(8, 3);
        int[] linked = [20_000, 0, 1, 20_001, 12_345];

        var (merged, links) = FingerprintStore.MergeDuplicates(patients, linked);

        Assert.Equal([F(7, 1), F(7, 2), F(8, 3)], merged);
        Assert.Equal([1, 0, 1, 2, 1], links);
    }

    [Fact]
    public void MergeDuplicates_NoDuplicate_ReturnsTheSameArrays()
    {
        Fingerprint[] patients = [new(3), new(((UInt128)3 << 64) | 3), new(2)];
        int[] linked = [2, 1, 0];

        var (merged, links) = FingerprintStore.MergeDuplicates(patients, linked);

        Assert.Same(patients, merged);
        Assert.Equal([2, 1, 0], links);
    }

    public void Dispose()
    {
        _fixture.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A file that stops being readable after some bytes, as a failing disk or share would.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= failAfter) throw new IOException("Simulated read failure.");
            var n = (int)Math.Min(count, failAfter - Position);
            content.AsSpan((int)Position, n).CopyTo(buffer.AsSpan(offset));
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => content.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
