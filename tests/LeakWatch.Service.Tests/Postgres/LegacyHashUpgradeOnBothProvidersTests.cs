using System.Security.Cryptography;
using Dapper;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// The re-keying of bare content hashes left by older versions, on both providers: PostgreSQL returns the rows'
/// column names in lower case, and the upgrade runs at every start of such a database until it has succeeded. It
/// re-keys a batch a transaction: between two, another connection sees each row marked or re-keyed and may write.
/// </summary>
public sealed class LegacyHashUpgradeOnBothProvidersTests : IDisposable
{
    private readonly StoreFixture _sqlite = new();
    private readonly StoreFixture _postgres = new(PostgresDatabase.Create());

    public void Dispose()
    {
        _sqlite.Dispose();
        _postgres.Dispose();
    }

    [Fact]
    public async Task RunAsync_MarkedBareHashes_RekeyedOnSqlite() => await RekeysAsync(_sqlite);

    [Fact]
    public async Task RunAsync_MarkedBareHashes_RekeyedOnPostgres() => await RekeysAsync(_postgres);

    private static async Task RekeysAsync(StoreFixture fixture)
    {
        var hashes = new ContentHashes(await fixture.Keys.GetOrCreateKeysAsync(CancellationToken.None));
        var digest = SHA256.HashData("one leaked paste"u8);
        var marked = "sha256:" + Convert.ToHexStringLower(digest);
        await using (var connection = await fixture.Database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('forum', @marked, 'https://x.test/t/1', '2026-01-01T00:00:00.000Z')", new { marked });
            await connection.ExecuteAsync("INSERT INTO crawl_pages (source, url, content_hash, fetched_at) VALUES ('forum', 'https://x.test/t/1', @marked, '2026-01-01T00:00:00.000Z')", new { marked });
            // More seen documents than one batch holds: the walk in key order must go on from where each batch ended.
            await using var transaction = await connection.BeginTransactionAsync();
            var others = Enumerable.Range(0, 5500).Select(i => new { hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))), url = "https://x.test/f/" + i });
            await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('paste', @hash, @url, '2026-01-01T00:00:00.000Z')", others, transaction);
            await transaction.CommitAsync();
            await connection.ExecuteAsync("INSERT INTO meta (name, value) VALUES ('" + LegacyHashUpgrade.Flag + "', '1')");
        }

        var upgrade = new LegacyHashUpgrade(fixture.Database, NullLogger<LegacyHashUpgrade>.Instance);
        var batches = 0;
        (long Marked, long Total) midway = default;
        upgrade.BatchCommitted = async token =>
        {
            if (++batches != 1) return;
            await using var other = await fixture.Database.OpenAsync(token);
            midway = (await other.ExecuteScalarAsync<long>("SELECT count(*) FROM crawl_seen WHERE substr(content_hash, 1, 7) = 'sha256:'"),
                await other.ExecuteScalarAsync<long>("SELECT count(*) FROM crawl_seen"));
            // The writers' lock is free between two batches (the guard only bounds a failure: it would wait for good).
            await using var transaction = await Database.BeginWriteAsync(other, token).WaitAsync(TimeSpan.FromSeconds(20), token);
            await other.ExecuteAsync(new CommandDefinition("INSERT INTO meta (name, value) VALUES ('probe', '1')", transaction: transaction, cancellationToken: token));
            await transaction.CommitAsync(token);
        };

        Assert.True(await upgrade.RunAsync(hashes, CancellationToken.None));

        await using (var connection = await fixture.Database.OpenAsync(CancellationToken.None))
        {
            var expected = hashes.OfDigest(digest);
            Assert.Equal(expected, await connection.ExecuteScalarAsync<string>("SELECT content_hash FROM crawl_seen WHERE source = 'forum'"));
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM crawl_seen WHERE substr(content_hash, 1, 7) = 'sha256:'"));
            Assert.Equal(hashes.OfDigest(SHA256.HashData(BitConverter.GetBytes(5499))),
                await connection.ExecuteScalarAsync<string>("SELECT content_hash FROM crawl_seen WHERE url = 'https://x.test/f/5499'"));
            Assert.Equal(expected, await connection.ExecuteScalarAsync<string>("SELECT content_hash FROM crawl_pages"));
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM meta WHERE name = '" + LegacyHashUpgrade.Flag + "'"));
        }
        Assert.Equal((5501L - 2000, 5501L), midway); // the first batch re-keyed, committed, the rest still marked
        Assert.True(batches >= 3);
    }
}
