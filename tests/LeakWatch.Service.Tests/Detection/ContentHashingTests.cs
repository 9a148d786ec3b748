using System.Diagnostics;
using System.Security.Cryptography;
using Dapper;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Tests.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// While an older version's bare hashes cannot be re-keyed (the database cannot be written), what records refuses,
/// what only reads still gets its hashes, and the next call after the disk is writable again re-keys them.
/// </summary>
public sealed class ContentHashingTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [LinuxFact("the database is made unwritable with chattr +i, which root obeys too")]
    public async Task GetForRecording_DatabaseNotWritableWithBareHashesLeft_RefusesUntilItIsThenRekeys()
    {
        await _fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None);
        var digest = SHA256.HashData("a leaked line"u8);
        await using (var connection = await _fixture.Database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('paste', @marked, 'https://x.test/1', '2026-01-01T00:00:00.000Z')",
                new { marked = "sha256:" + Convert.ToHexStringLower(digest) });
            await connection.ExecuteAsync("INSERT INTO meta (name, value) VALUES ('" + LegacyHashUpgrade.Flag + "', '1')");
            await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        SqliteConnection.ClearAllPools();
        var hashing = new ContentHashing(_fixture.Keys, new LegacyHashUpgrade(_fixture.Database, NullLogger<LegacyHashUpgrade>.Instance));

        Chattr("+i");
        LeakWatchException refused;
        ContentHashes readOnly;
        try
        {
            refused = await Assert.ThrowsAsync<LeakWatchException>(() => hashing.GetForRecordingAsync(CancellationToken.None));
            readOnly = await hashing.GetAsync(CancellationToken.None);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Chattr("-i");
        }
        var recording = await hashing.GetForRecordingAsync(CancellationToken.None);

        Assert.Contains("could not be re-keyed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(readOnly.OfDigest(digest), recording.OfDigest(digest));
        await using var check = await _fixture.Database.OpenAsync(CancellationToken.None);
        Assert.Equal(recording.OfDigest(digest), await check.ExecuteScalarAsync<string>("SELECT content_hash FROM crawl_seen"));
    }

    private void Chattr(string flag)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, _fixture.Database.Path]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "chattr " + flag + " failed: " + error);
    }
}
