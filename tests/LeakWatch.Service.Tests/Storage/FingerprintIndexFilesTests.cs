using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace LeakWatch.Service.Tests.Storage;

public sealed class FingerprintIndexFilesTests : IDisposable
{
    private readonly StoreFixture _fixture = new();
    private readonly FingerprintIndexFiles _files;

    public FingerprintIndexFilesTests() => _files = new FingerprintIndexFiles(_fixture.Database, NullLogger<FingerprintIndexFiles>.Instance);

    /// <summary>Enrolls <paramref name="patients"/> patients through the store, in small chunks; returns the enrollment id.</summary>
    private async Task<(long Id, Fingerprint[] Patients, List<(ulong Key, int Patient)> Linked, ulong[] Members)> EnrollAsync(int patients, int seed)
    {
        var random = new Random(seed);
        var references = Enumerable.Range(0, patients).Select(_ => new Fingerprint(new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()))).ToArray();
        var linked = new List<(ulong, int)>();
        var members = new HashSet<ulong>();
        await using var writer = await _fixture.Store.BeginEnrollmentAsync("x.csv", CancellationToken.None, chunkEntries: 53);
        foreach (var reference in references)
        {
            var ordinal = writer.AddPatient(reference);
            for (var k = 0; k < 3; k++)
            {
                var key = (ulong)random.NextInt64();
                writer.AddLinked(key, ordinal);
                linked.Add((key, ordinal));
            }
            var member = (ulong)random.NextInt64(1, 400);
            if (members.Add(member)) writer.AddSetMember(member);
        }
        var info = await writer.CommitAsync(new EnrollmentTotals(patients, new Dictionary<string, long>(), TimeSpan.FromSeconds(1)), DateTimeOffset.UnixEpoch, CancellationToken.None);
        return (info.Id, references, linked, [.. members]);
    }

    private async Task<FingerprintIndex> OpenAsync() =>
        await _files.OpenActiveAsync(await _fixture.Keys.GetKeysAsync(CancellationToken.None), CancellationToken.None)
        ?? throw new InvalidOperationException("nothing enrolled");

    [Fact]
    public async Task OpenActive_NothingEnrolled_IsNullAndWritesNoFile()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        Assert.Null(await _files.OpenActiveAsync(await _fixture.Keys.GetKeysAsync(CancellationToken.None), CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_fixture.Options.DataDirectory!, "fingerprints-*"));
    }

    [Fact]
    public async Task OpenActive_NoFileYet_BuildsItFromTheStoreAndFindsEveryFingerprint()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        var (id, patients, linked, members) = await EnrollAsync(2000, seed: 3);

        using var index = await OpenAsync();

        Assert.True(File.Exists(_files.PathOf(id)));
        Assert.Equal(patients, index.Patients);
        var found = new List<int>();
        foreach (var (key, patient) in linked)
        {
            found.Clear();
            index.Lookup(key, found);
            Assert.Contains(patient, found);
        }
        Assert.All(members, m => Assert.True(index.ContainsMember(m)));
        Assert.False(index.ContainsMember(401));
    }

    /// <summary>
    /// The MAC check reads the whole file through the mapping; afterwards the process gives back the pages a scan reads
    /// only for a match (they stay in the page cache). Linux: read from /proc/self/smaps.
    /// </summary>
    [LinuxFact("the release is madvise's; elsewhere it does nothing")]
    public async Task OpenActive_AfterTheCheck_FilePagesAreNotResidentUntilLookupsReadThem()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        var (id, _, linked, _) = await EnrollAsync(20_000, seed: 8);
        await _files.BuildActiveAsync(await _fixture.Keys.GetKeysAsync(CancellationToken.None), CancellationToken.None);
        var fileBytes = new FileInfo(_files.PathOf(id)).Length;

        using var index = await OpenAsync();
        var afterOpen = ResidentBytesOf(_files.PathOf(id));
        var found = new List<int>();
        foreach (var (key, patient) in linked)
        {
            found.Clear();
            index.Lookup(key, found);
            Assert.Contains(patient, found);
        }
        var afterLookups = ResidentBytesOf(_files.PathOf(id));

        // What stays mapped after the check: the keys and members (a page of slack for each), not the references,
        // ordinals, tables and copied filters.
        var keys = (index.LinkedCount + index.MemberCount) * sizeof(ulong) + 2 * 4096;
        Assert.True(afterOpen <= keys && afterOpen < fileBytes / 2, $"resident after open {afterOpen} of {fileBytes} bytes, keys {keys}");
        Assert.True(afterLookups > afterOpen, $"lookups read pages: {afterOpen} then {afterLookups}");
    }

    /// <summary>The resident bytes of this process's mappings of <paramref name="path"/>.</summary>
    private static long ResidentBytesOf(string path)
    {
        long total = 0;
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            // A mapping's first line starts with its address range ("7f12a4000000-7f12a4100000 r--s ... /path").
            var first = line.Split(' ', 2)[0];
            if (first.Contains('-', StringComparison.Ordinal) && first.All(c => char.IsAsciiHexDigit(c) || c == '-'))
            {
                inMapping = line.EndsWith(path, StringComparison.Ordinal);
                continue;
            }
            if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line["Rss:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return total;
    }

    [Fact]
    public async Task OpenActive_FileAlteredOrOfAnotherKey_IsRebuiltAndChecks()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        var (id, patients, _, _) = await EnrollAsync(500, seed: 4);
        await _files.BuildActiveAsync(await _fixture.Keys.GetKeysAsync(CancellationToken.None), CancellationToken.None);
        var path = _files.PathOf(id);
        var original = await File.ReadAllBytesAsync(path);

        // One flipped bit in a patient reference: the body MAC no longer checks, the file is rebuilt from the store.
        var altered = (byte[])original.Clone();
        altered[4096 + 5] ^= 0x10;
        await File.WriteAllBytesAsync(path, altered);
        using (var index = await OpenAsync()) Assert.Equal(patients, index.Patients);
        Assert.Equal(original, await File.ReadAllBytesAsync(path));

        // A file made under another key (a copied data folder) does not check either.
        var otherKey = new FingerprintKeys(SecretKey.Generate());
        var other = new FingerprintIndexFiles(_fixture.Database, NullLogger<FingerprintIndexFiles>.Instance);
        await other.BuildActiveAsync(otherKey, CancellationToken.None);
        Assert.NotEqual(original, await File.ReadAllBytesAsync(path));
        using (var index = await OpenAsync()) Assert.Equal(patients, index.Patients);
        Assert.Equal(original, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task OpenActive_FileOfFormatOne_IsRefusedForItsVersionAndRebuilt()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        var (id, patients, linked, _) = await EnrollAsync(800, seed: 6);
        var keys = await _fixture.Keys.GetKeysAsync(CancellationToken.None);
        await _files.BuildActiveAsync(keys, CancellationToken.None);
        var path = _files.PathOf(id);
        var current = await File.ReadAllBytesAsync(path);

        // What a service of the previous release left: a format-1 header, signed under the same key, whose layout has no
        // linked filter. It must not be read with this release's layout, and the enrollment must not be needed again.
        var older = (byte[])current.Clone();
        var macKey = FingerprintIndexFormat.MacKey(keys);
        FingerprintIndexFormat.For(patients.Length, linked.Count, 1).WriteHeader(older, id, new byte[FingerprintIndexFormat.MacSize], macKey, version: 1);
        await File.WriteAllBytesAsync(path, older);
        var logger = new FakeLogger<FingerprintIndexFiles>();
        var files = new FingerprintIndexFiles(_fixture.Database, logger);

        using (var index = await files.OpenActiveAsync(keys, CancellationToken.None))
        {
            Assert.NotNull(index);
            Assert.Equal(patients, index.Patients);
            var found = new List<int>();
            var (key, patient) = linked[^1];
            index.Lookup(key, found);
            Assert.Contains(patient, found);
        }

        var refused = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("made by another version (format 1", refused.Message);
        Assert.Equal(current, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Enroll_NewEnrollment_BuildsItsFileAndDeletesTheReplacedOne()
    {
        var enroller = new Enroller(_fixture.Store, _fixture.Keys, TimeProvider.System, NullLogger<Enroller>.Instance, indexFiles: _files);
        var first = await EnrollCsvAsync(enroller, 30);
        var firstFile = _files.PathOf(first);
        Assert.True(File.Exists(firstFile));

        var second = await EnrollCsvAsync(enroller, 31);

        Assert.NotEqual(first, second);
        Assert.False(File.Exists(firstFile));
        Assert.True(File.Exists(_files.PathOf(second)));
        using var index = await OpenAsync();
        Assert.Equal(31, index.Patients.Count);
    }

    private static async Task<long> EnrollCsvAsync(Enroller enroller, int patients)
    {
        var csv = new System.Text.StringBuilder("IPP;NOM;PRENOM;DATE_NAISSANCE\n");
        for (var i = 0; i < patients; i++) csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{1000 + i};MARTIN{(char)('A' + i % 26)};JEAN;0{1 + i % 9}/03/1970\n");
        using var reader = ExportReader.Open(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())), new ExportFormat(), h => LeakWatch.Core.Normalization.ColumnNames.Classify(h));
        var info = await enroller.EnrollAsync(reader, "export.csv", null, CancellationToken.None, force: true);
        return info.Id;
    }

    public void Dispose() => _fixture.Dispose();
}
