using Dapper;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Crawling.State;

/// <summary>Crawl state in the database: validators per URL, seen-content hashes, cursors. SQL beside each method.</summary>
internal sealed class CrawlStateStore(Database database, TimeProvider time)
{
    private string Now => DbTime.Text(time.GetUtcNow());

    private const string SelectPage = "SELECT etag AS ETag, last_modified AS LastModified, content_hash AS ContentHash, outcome AS Outcome FROM crawl_pages WHERE source = @source AND url = @url";

    public async Task<Validators?> GetValidatorsAsync(string source, string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Validators>(new CommandDefinition(SelectPage, new { source, url }, cancellationToken: ct));
    }

    private const string UpsertPage = """
        INSERT INTO crawl_pages (source, url, etag, last_modified, content_hash, fetched_at, outcome)
        VALUES (@source, @url, @etag, @lastModified, @contentHash, @now, @outcome)
        ON CONFLICT (source, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
            content_hash = excluded.content_hash, fetched_at = excluded.fetched_at, outcome = excluded.outcome
        """;

    /// <param name="outcome">Null when read whole; "cut" (too large or too slow) or "refused" for a linked URL.</param>
    public async Task SavePageAsync(string source, string url, string? etag, string? lastModified, string? contentHash, CancellationToken ct, string? outcome = null)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertPage, new { source, url, etag, lastModified, contentHash, now = Now, outcome }, cancellationToken: ct));
    }

    private const string SelectSeen = "SELECT COUNT(*) FROM crawl_seen WHERE source = @source AND content_hash = @contentHash";

    public async Task<bool> IsSeenAsync(string source, string contentHash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectSeen, new { source, contentHash }, cancellationToken: ct)) > 0;
    }

    private const string InsertSeen = "INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES (@source, @contentHash, @url, @now) ON CONFLICT DO NOTHING";

    public async Task MarkSeenAsync(string source, string contentHash, string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSeen, new { source, contentHash, url, now = Now }, cancellationToken: ct));
    }

    private const string SelectCursor = "SELECT value FROM crawl_cursors WHERE source = @source AND key = @key";

    public async Task<string?> GetCursorAsync(string source, string key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectCursor, new { source, key }, cancellationToken: ct));
    }

    private const string UpsertCursor = """
        INSERT INTO crawl_cursors (source, key, value, updated_at) VALUES (@source, @key, @value, @now)
        ON CONFLICT (source, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
        """;

    public async Task SetCursorAsync(string source, string key, string value, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertCursor, new { source, key, value, now = Now }, cancellationToken: ct));
    }
}
