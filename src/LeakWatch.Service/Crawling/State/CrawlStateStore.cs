using Dapper;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Crawling.State;

/// <summary>Crawl state in the database: validators per URL, seen-content hashes, cursors. SQL beside each method.</summary>
internal sealed class CrawlStateStore(Database database, TimeProvider time)
{
    private string Now => DbTime.Text(time.GetUtcNow());

    private const string SelectPage = "SELECT etag AS ETag, last_modified AS LastModified, content_sha256 AS ContentSha256, outcome AS Outcome FROM crawl_pages WHERE source = @source AND url = @url";

    public async Task<Validators?> GetValidatorsAsync(string source, string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Validators>(new CommandDefinition(SelectPage, new { source, url }, cancellationToken: ct));
    }

    private const string UpsertPage = """
        INSERT INTO crawl_pages (source, url, etag, last_modified, content_sha256, fetched_at, outcome)
        VALUES (@source, @url, @etag, @lastModified, @sha256, @now, @outcome)
        ON CONFLICT (source, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
            content_sha256 = excluded.content_sha256, fetched_at = excluded.fetched_at, outcome = excluded.outcome
        """;

    /// <param name="outcome">Null when read whole; "cut" (too large or too slow) or "refused" for a linked URL.</param>
    public async Task SavePageAsync(string source, string url, string? etag, string? lastModified, string? sha256, CancellationToken ct, string? outcome = null)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertPage, new { source, url, etag, lastModified, sha256, now = Now, outcome }, cancellationToken: ct));
    }

    private const string SelectSeen = "SELECT COUNT(*) FROM crawl_seen WHERE source = @source AND sha256 = @sha256";

    public async Task<bool> IsSeenAsync(string source, string sha256, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectSeen, new { source, sha256 }, cancellationToken: ct)) > 0;
    }

    private const string InsertSeen = "INSERT INTO crawl_seen (source, sha256, url, seen_at) VALUES (@source, @sha256, @url, @now) ON CONFLICT DO NOTHING";

    public async Task MarkSeenAsync(string source, string sha256, string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSeen, new { source, sha256, url, now = Now }, cancellationToken: ct));
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
