using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// Content and entry-name hashes are keyed (HMAC under purpose keys of the secret key): a crawl and a scan of a tiny
/// paste and a zipped dump leave no bare SHA-256 of any of their documents in the database files or the outputs, a
/// document seen before is still known after a restart, and a database written by an older version (bare hashes) is
/// re-keyed in place so that nothing is scanned or alerted twice.
/// </summary>
public sealed class KeyedContentHashTests : IDisposable
{
    private const string EntryName = "MARTIN_Paul_patients.csv";
    private const string ThreadSignature = "0123456789abcdef0123456789abcdef";
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(60, seed: 777);

    private sealed record Leak(LoopbackServer Server, byte[] Paste, byte[] Zip, byte[] Entry) : IAsyncDisposable
    {
        public IEnumerable<byte[]> Documents => [Paste, Zip, Entry];

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private async Task<Leak> StartAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _base));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        var server = await LoopbackServer.StartAsync(TimeProvider.System);
        // The case keyed hashing is for: a one-line paste, whose bare hash would confirm a guessed line.
        var paste = Encoding.UTF8.GetBytes(Rows(_base.Take(1)));
        var entry = Encoding.UTF8.GetBytes(Rows(_base.Skip(10).Take(3)));
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = archive.CreateEntry(EntryName).Open();
            stream.Write(entry);
        }
        var zip = buffer.ToArray();
        server.MapBytes("/raw/1", paste, "text/plain");
        server.MapBytes("/files/dump.zip", zip, "application/zip");
        _cli.Settings["LeakWatch:Sources:0:Name"] = "pastes";
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "urls";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = server.Url("/raw/1").AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:Urls:1"] = server.Url("/files/dump.zip").AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00"; // real clock here: no waiting
        _cli.Settings["LeakWatch:Crawler:MaxRetries"] = "0";
        return new Leak(server, paste, zip, entry);
    }

    [Fact]
    public async Task CrawlAndScan_TinyPasteAndZippedDump_NoBareSha256InTheDatabaseOrOutputsAndARestartStillKnowsThem()
    {
        await using var leak = await StartAsync();
        var hashes = TestHashes.FromKeyFile(_cli.KeyFile);
        var paste = Path.Combine(_cli.Root, "paste.txt");
        var zip = Path.Combine(_cli.Root, "dump.zip");
        await File.WriteAllBytesAsync(paste, leak.Paste);
        await File.WriteAllBytesAsync(zip, leak.Zip);

        var first = await _cli.RunAsync("crawl", "--once", "--json");
        var restarted = await _cli.RunAsync("crawl", "--once", "--json"); // each run is a new process's host
        var scanJson = await _cli.RunAsync("scan", "--json", paste, zip);
        var scanText = await _cli.RunAsync("scan", paste, zip);

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.True(restarted.ExitCode == 0 && restarted.Out.Length == 0, restarted.ToString());
        Assert.True(scanJson.ExitCode == 1, scanJson.ToString());
        Assert.True(scanText.ExitCode == 1, scanText.ToString());
        var bare = leak.Documents.Select(d => Convert.ToHexStringLower(SHA256.HashData(d))).ToList();
        bare.Add(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EntryName)), 0, 4)); // the old entry mask
        var stored = string.Concat(DatabaseFiles().Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        var printed = string.Join('\n', new[] { first, restarted, scanJson, scanText }.Select(r => r.Out + r.Error + r.AllLogText));
        Assert.All(bare, b => Assert.DoesNotContain(b, stored, StringComparison.OrdinalIgnoreCase));
        Assert.All(bare, b => Assert.DoesNotContain(b, printed, StringComparison.OrdinalIgnoreCase));

        // What is stored and printed instead: the keyed hashes, the same for the crawl and the local scan.
        await using var db = _cli.OpenDatabase();
        Assert.Equal(new[] { hashes.Content(leak.Paste), hashes.Content(leak.Zip) }.Order(), (await db.QueryAsync<string>("SELECT content_hash FROM crawl_seen")).Order());
        Assert.Equal(new[] { hashes.Content(leak.Paste), hashes.Content(leak.Entry) }.Order(),
            (await db.QueryAsync<string>("SELECT content_hash FROM incident_documents")).Order());
        var lines = scanJson.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, l => l.GetProperty("contentHash").GetString() == hashes.Content(leak.Paste) && l.GetProperty("document").GetString() == paste);
        Assert.Contains(lines, l => l.GetProperty("contentHash").GetString() == hashes.Content(leak.Entry)
            && l.GetProperty("document").GetString() == zip + "!entry-" + hashes.Name(EntryName));
        Assert.Contains("content hash: " + hashes.Content(leak.Paste), scanText.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_DatabaseOfAnOlderVersionWithBareHashes_IsRekeyedInPlaceAndNothingIsScannedOrRecordedTwice()
    {
        await using var leak = await StartAsync();
        var hashes = TestHashes.FromKeyFile(_cli.KeyFile);
        var first = await _cli.RunAsync("crawl", "--once");
        Assert.True(first.ExitCode == 1, first.ToString());
        var incidentsBefore = await QueryIncidentsAsync();
        var keyedMask = "entry-" + hashes.Name(EntryName);
        var bareMask = "entry-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EntryName)), 0, 4);
        var bare = leak.Documents.ToDictionary(d => hashes.Content(d), d => Convert.ToHexStringLower(SHA256.HashData(d)));

        // Back to what a version before keyed hashing left: the old column names, bare SHA-256 values and entry masks,
        // an alert in the outbox that names them, and migrations 0203 and 0302 not applied yet.
        await using (var db = _cli.OpenDatabase())
        {
            await db.ExecuteAsync("""
                ALTER TABLE crawl_pages RENAME COLUMN content_hash TO content_sha256;
                ALTER TABLE crawl_seen RENAME COLUMN content_hash TO sha256;
                ALTER TABLE incidents RENAME COLUMN content_hash TO content_sha256;
                ALTER TABLE incident_documents RENAME COLUMN content_hash TO content_sha256;
                DELETE FROM schema_migrations WHERE version IN (203, 302);
                DELETE FROM meta WHERE name = 'legacy_content_hashes';
                """);
            foreach (var (keyed, old) in bare)
            {
                await db.ExecuteAsync("""
                    UPDATE crawl_pages SET content_sha256 = @old WHERE content_sha256 = @keyed;
                    UPDATE crawl_seen SET sha256 = @old WHERE sha256 = @keyed;
                    UPDATE incidents SET content_sha256 = @old WHERE content_sha256 = @keyed;
                    UPDATE incident_documents SET content_sha256 = @old WHERE content_sha256 = @keyed;
                    """, new { keyed, old });
            }
            await db.ExecuteAsync("UPDATE incidents SET url = replace(url, @keyedMask, @bareMask); UPDATE incident_documents SET url = replace(url, @keyedMask, @bareMask)",
                new { keyedMask, bareMask });
            var payload = """{"type":"incident.new","idempotency_key":"lw-old-1","created_at":"2026-11-01T00:00:00+00:00","incident":{"id":1,"url":"https://x.example/dump.zip!"""
                + bareMask + "\",\"content_sha256\":\"" + bare[hashes.Content(leak.Entry)] + "\",\"bytes\":1}}";
            await db.ExecuteAsync("""
                INSERT INTO alert_outbox (idempotency_key, channel, kind, payload, created_at, next_attempt_at, delivered_at)
                VALUES ('lw-old-1', 'siem', 'incident', @payload, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:01.000Z');
                INSERT INTO crawl_cursors (source, key, value, updated_at)
                VALUES ('forum', 'thread:https://forum.example/t/1', @cursor, '2026-11-01T00:00:00.000Z');
                """, new { payload, cursor = "{\"Signature\":\"" + ThreadSignature + "\",\"Resume\":\"https://forum.example/t/1?page=2\",\"LastPost\":null}" });
        }
        Assert.Contains(bare[hashes.Content(leak.Paste)], Stored(), StringComparison.Ordinal); // the downgrade took

        var second = await _cli.RunAsync("crawl", "--once");

        Assert.True(second.ExitCode == 0 && second.Out.Length == 0, second.ToString()); // nothing scanned again, nothing found anew
        Assert.Equal(incidentsBefore, await QueryIncidentsAsync()); // same incidents, same revisions, same URLs
        var stored = Stored();
        Assert.All(bare.Values.Append(bareMask).Append(ThreadSignature), b => Assert.DoesNotContain(b, stored, StringComparison.Ordinal));
        Assert.DoesNotContain("sha256:", stored, StringComparison.Ordinal);
        await using var check = _cli.OpenDatabase();
        Assert.Equal(new[] { hashes.Content(leak.Paste), hashes.Content(leak.Zip) }.Order(), (await check.QueryAsync<string>("SELECT content_hash FROM crawl_seen")).Order());
        var rekeyed = JsonDocument.Parse(await check.ExecuteScalarAsync<string>("SELECT payload FROM alert_outbox WHERE idempotency_key = 'lw-old-1'") ?? "{}").RootElement.GetProperty("incident");
        Assert.Equal(hashes.Content(leak.Entry), rekeyed.GetProperty("content_hash").GetString());
        Assert.Equal("https://x.example/dump.zip!" + keyedMask, rekeyed.GetProperty("url").GetString());
        Assert.Null(await check.ExecuteScalarAsync<string>("SELECT value FROM meta WHERE name = 'legacy_content_hashes'"));
        // A thread row's bare signature cannot be re-keyed: it is forgotten, the thread read again from where it was left.
        var cursor = JsonDocument.Parse(await check.ExecuteScalarAsync<string>("SELECT value FROM crawl_cursors WHERE source = 'forum'") ?? "{}").RootElement;
        Assert.Equal(("", "https://forum.example/t/1?page=2"), (cursor.GetProperty("Signature").GetString(), cursor.GetProperty("Resume").GetString()));
    }

    private async Task<List<(long Id, long Revision, string Url, string Hash)>> QueryIncidentsAsync()
    {
        await using var db = _cli.OpenDatabase();
        var rows = await db.QueryAsync<(long, long, string, string)>("SELECT id, revision, url, " +
            "(SELECT group_concat(content_hash) FROM (SELECT content_hash FROM incident_documents d WHERE d.incident_id = i.id ORDER BY content_hash)) FROM incidents i ORDER BY id");
        return [.. rows];
    }

    private IEnumerable<string> DatabaseFiles() =>
        new[] { _cli.DatabasePath, _cli.DatabasePath + "-wal", _cli.DatabasePath + "-shm" }.Where(File.Exists);

    private string Stored() => string.Concat(DatabaseFiles().Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));

    private static string Rows(IEnumerable<SyntheticPatient> patients)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        LabExportWriter.Write(writer, patients);
        return writer.ToString();
    }

    public void Dispose() => _cli.Dispose();
}
