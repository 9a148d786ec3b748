using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Canaries;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// The re-keying of an older version's bare hashes, on a real SQLite file, in batches of short transactions: another
/// process scans and another connection writes while it runs, a stop midway leaves rows either marked or re-keyed and
/// the next start finishes, and two processes upgrading at once share the work and re-key what carries no mark once.
/// </summary>
public sealed class LegacyHashUpgradeTests : IDisposable
{
    private const int SeenRows = 550;
    private const int Batch = 100;
    private const string EntryName = "DUPONT_patients.csv";
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(50, seed: 4242);
    private readonly List<Database> _databases = [];

    public void Dispose()
    {
        foreach (var database in _databases) database.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task RunAsync_HistoryOfSeveralBatches_NeitherAScanInAnotherProcessNorAnotherWriterWaitsForIt()
    {
        var (hashes, expected) = await ArrangeAsync();
        var dump = CanaryOutput.WriteDump(Path.Combine(_cli.Root, "dump.csv"), _patients.Take(3));
        using var exe = new ExecutableHarness { DataDirectory = _cli.DataDirectory, KeyFile = _cli.KeyFile };
        var upgrade = new LegacyHashUpgrade(NewDatabase(), NullLogger<LegacyHashUpgrade>.Instance) { BatchRows = Batch };
        var batches = 0;
        (long Marked, long Keyed, long Other) midway = default;
        CliResult? scan = null;
        upgrade.BatchCommitted = async token =>
        {
            if (++batches != 2) return;
            midway = await CountAsync(expected);
            // Another writer (a console's audit, a crawl's node) gets the lock between two batches, without waiting.
            await using (var writer = Open())
            await using (var transaction = writer.BeginTransaction(deferred: false))
            {
                await writer.ExecuteAsync("INSERT INTO meta (name, value) VALUES ('probe', '1')", transaction: transaction);
                await transaction.CommitAsync(token);
            }
            // A scan in another process needs no write lock: it runs while a writer holds it (here, as a batch would).
            await using var holder = Open();
            await using var held = holder.BeginTransaction(deferred: false);
            await holder.ExecuteAsync("UPDATE meta SET value = '2' WHERE name = 'probe'", transaction: held);
            scan = await exe.RunAsync("scan", dump);
        };

        Assert.True(await upgrade.RunAsync(hashes, CancellationToken.None));

        Assert.Equal((SeenRows - 2L * Batch, 2L * Batch, 0L), midway); // each row marked or re-keyed, never both, nothing else
        Assert.True(batches > SeenRows / Batch, batches.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(scan!.ExitCode == ExitCodes.Found, scan.ToString());
        Assert.Contains("3 patients of ours", scan.Out, StringComparison.Ordinal);
        Assert.Equal((0L, (long)SeenRows, 0L), await CountAsync(expected));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM meta WHERE name = '" + LegacyHashUpgrade.Flag + "'"));
    }

    [Fact]
    public async Task RunAsync_StoppedMidwayThenStartedAgain_FinishesAndKeysEveryValueOnce()
    {
        var (hashes, expected) = await ArrangeAsync();
        var bareMask = await AddIncidentAsync();
        using var stop = new CancellationTokenSource();
        var batches = 0;
        var first = new LegacyHashUpgrade(NewDatabase(), NullLogger<LegacyHashUpgrade>.Instance) { BatchRows = Batch };
        first.BatchCommitted = async _ =>
        {
            if (++batches == 2) await stop.CancelAsync(); // the service stopped (or died) after its second batch
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.RunAsync(hashes, stop.Token));
        var stopped = await CountAsync(expected);
        var urlWhenStopped = await UrlAsync();
        var flagWhenStopped = await ScalarAsync("SELECT count(*) FROM meta WHERE name = '" + LegacyHashUpgrade.Flag + "'");
        var again = new LegacyHashUpgrade(NewDatabase(), NullLogger<LegacyHashUpgrade>.Instance) { BatchRows = Batch };
        Assert.True(await again.RunAsync(hashes, CancellationToken.None));

        Assert.Equal((SeenRows - 2L * Batch, 2L * Batch, 0L), stopped);
        Assert.Equal(("https://x.test/dump.zip!" + bareMask, 1L), (urlWhenStopped, flagWhenStopped)); // no mark: re-keyed at the end only
        await AssertRekeyedOnceAsync(hashes, expected);
    }

    [Fact]
    public async Task RunAsync_TwoProcessesAtOnce_ShareTheWorkAndKeyTheUnmarkedValuesOnce()
    {
        var (hashes, expected) = await ArrangeAsync();
        await AddIncidentAsync();
        var first = new LegacyHashUpgrade(NewDatabase(), NullLogger<LegacyHashUpgrade>.Instance) { BatchRows = Batch };
        var second = new LegacyHashUpgrade(NewDatabase(), NullLogger<LegacyHashUpgrade>.Instance) { BatchRows = Batch };
        Task<bool>? other = null;
        var (firstBatches, otherBatches) = (0, 0);
        second.BatchCommitted = _ =>
        {
            otherBatches++;
            return Task.CompletedTask;
        };
        // The second starts after the first's first batch and runs to its end (the flag taken) before the first goes on.
        first.BatchCommitted = async _ =>
        {
            firstBatches++;
            await (other ??= second.RunAsync(hashes, CancellationToken.None));
        };

        Assert.True(await first.RunAsync(hashes, CancellationToken.None));

        Assert.True(await other!);
        // The second re-keyed what the first had not (450 seen rows, the incident, its document, the alert); the first, going
        // on, found nothing left marked, and the flag already taken.
        Assert.Equal((1, 5 + 1 + 1 + 1), (firstBatches, otherBatches));
        await AssertRekeyedOnceAsync(hashes, expected);
    }

    /// <summary>
    /// An enrolled base (for the scan) and what an older version's crawl left: seen documents marked with their bare
    /// SHA-256, and the upgrade's flag. Returns the hashes and the keyed value each seen URL must end with.
    /// </summary>
    private async Task<(ContentHashes Hashes, Dictionary<string, string> Expected)> ArrangeAsync()
    {
        var enrolled = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _patients, new UTF8Encoding(false)));
        Assert.True(enrolled.ExitCode == ExitCodes.Success, enrolled.ToString());
        var hashes = TestHashes.FromKeyFile(_cli.KeyFile);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        for (var i = 0; i < SeenRows; i++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            var url = "https://x.test/p/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            expected[url] = hashes.OfDigest(digest);
            await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('paste', @hash, @url, '2026-01-01T00:00:00.000Z')",
                new { hash = "sha256:" + Convert.ToHexStringLower(digest), url }, transaction);
        }
        await connection.ExecuteAsync("INSERT INTO meta (name, value) VALUES ('" + LegacyHashUpgrade.Flag + "', '1')", transaction: transaction);
        await transaction.CommitAsync();
        return (hashes, expected);
    }

    /// <summary>An incident of an archive's entry: its hash marked, its entry name masked by a bare hash (no mark), an alert naming both.</summary>
    private async Task<string> AddIncidentAsync()
    {
        var bareMask = "entry-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EntryName)), 0, ContentHashes.NameDigestBytes);
        var marked = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("the entry"u8));
        var payload = """{"type":"incident.new","idempotency_key":"lw-old-1","incident":{"id":1,"url":"https://x.test/dump.zip!""" + bareMask
            + "\",\"content_sha256\":\"" + marked["sha256:".Length..] + "\",\"bytes\":1}}";
        await using var connection = Open();
        await connection.ExecuteAsync("""
            INSERT INTO incidents (id, source, url, content_hash, bytes, first_seen, last_seen, revision, patients_high, patients_medium, patients_low,
                patients_total, last_growth, rules, fields)
            VALUES (1, 'paste', @url, @marked, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1, 1, 0, 0, 1, 1, 0, 0);
            INSERT INTO incident_documents (content_hash, incident_id, source, url, bytes, patients, first_seen, last_seen)
            VALUES (@marked, 1, 'paste', @url, 1, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            INSERT INTO alert_outbox (idempotency_key, channel, kind, payload, created_at, next_attempt_at)
            VALUES ('lw-old-1', 'siem', 'incident', @payload, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            INSERT INTO crawl_cursors (source, key, value, updated_at)
            VALUES ('forum', 'thread:https://x.test/t/1', '{"Signature":"0123456789abcdef0123456789abcdef","Resume":"https://x.test/t/1?page=2"}', '2026-01-01T00:00:00.000Z');
            """, new { url = "https://x.test/dump.zip!" + bareMask, marked, payload });
        return bareMask;
    }

    private async Task AssertRekeyedOnceAsync(ContentHashes hashes, Dictionary<string, string> expected)
    {
        var keyedUrl = "https://x.test/dump.zip!entry-" + hashes.Name(EntryName);
        var keyedEntry = hashes.Content("the entry"u8);
        Assert.Equal((0L, (long)SeenRows, 0L), await CountAsync(expected));
        Assert.Equal(keyedUrl, await UrlAsync()); // re-keyed twice, the mask would be another
        await using var connection = Open();
        Assert.Equal((keyedEntry, keyedUrl), await connection.QuerySingleAsync<(string, string)>("SELECT content_hash, url FROM incident_documents"));
        Assert.Equal(keyedEntry, await connection.ExecuteScalarAsync<string>("SELECT content_hash FROM incidents"));
        var alert = JsonDocument.Parse(await connection.ExecuteScalarAsync<string>("SELECT payload FROM alert_outbox") ?? "{}").RootElement.GetProperty("incident");
        Assert.Equal((keyedEntry, keyedUrl), (alert.GetProperty("content_hash").GetString(), alert.GetProperty("url").GetString()));
        Assert.Contains("\"Signature\":\"\"", await connection.ExecuteScalarAsync<string>("SELECT value FROM crawl_cursors"), StringComparison.Ordinal);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM meta WHERE name = '" + LegacyHashUpgrade.Flag + "'"));
    }

    /// <summary>Seen rows still marked, re-keyed to their expected value, and anything else (a value re-keyed twice, or lost).</summary>
    private async Task<(long Marked, long Keyed, long Other)> CountAsync(Dictionary<string, string> expected)
    {
        await using var connection = Open();
        var rows = (await connection.QueryAsync<(string Url, string Hash)>("SELECT url, content_hash FROM crawl_seen")).ToList();
        long marked = rows.Count(r => r.Hash.StartsWith("sha256:", StringComparison.Ordinal));
        long keyed = rows.Count(r => expected.TryGetValue(r.Url, out var hash) && hash == r.Hash);
        return (marked, keyed, expected.Count - marked - keyed);
    }

    private async Task<string?> UrlAsync()
    {
        await using var connection = Open();
        return await connection.ExecuteScalarAsync<string>("SELECT url FROM incidents");
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Open();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>A connection of its own, outside the pool, that gives up after 2 s where the service's would wait 30 s for a lock.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _cli.DatabasePath, Pooling = false, DefaultTimeout = 2 }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Another process's view of the same file: a store of its own.</summary>
    private Database NewDatabase()
    {
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory }));
        _databases.Add(database);
        return database;
    }
}
