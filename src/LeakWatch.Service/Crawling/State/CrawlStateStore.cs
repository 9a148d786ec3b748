using Dapper;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Crawling.State;

/// <summary>Crawl state in the database: validators per URL, seen-content hashes, cursors. SQL beside each method.</summary>
internal sealed class CrawlStateStore(Database database, TimeProvider time, IOptions<CrawlerOptions> options)
{
    /// <summary>How many expired refusals one run asks again at its end, oldest first; the rest wait for the next runs.</summary>
    public const int RefusalRetriesPerRun = 50;

    private string Now => DbTime.Text(time.GetUtcNow());

    // A refusal older than RefusalExpiry is forgotten here, so whoever meets the URL again asks for it.
    private string RefusedBefore => DbTime.Text(time.GetUtcNow() - options.Value.RefusalExpiry);

    private const string SelectPage = """
        SELECT etag AS ETag, last_modified AS LastModified, content_hash AS ContentHash, outcome AS Outcome FROM crawl_pages
        WHERE source = @source AND url = @url AND (outcome IS NULL OR outcome <> 'refused' OR fetched_at > @refusedBefore)
        """;

    public async Task<Validators?> GetValidatorsAsync(string source, string url, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Validators>(new CommandDefinition(SelectPage, new { source, url, refusedBefore = RefusedBefore }, cancellationToken: ct));
    }

    private const string SelectExpiredRefusals = """
        SELECT url FROM crawl_pages WHERE source = @source AND outcome = 'refused' AND fetched_at <= @refusedBefore
        ORDER BY fetched_at, url LIMIT @limit
        """;

    /// <summary>This source's linked URLs whose refusal has expired, oldest first: to be asked again.</summary>
    public async Task<IReadOnlyList<string>> ExpiredRefusalsAsync(string source, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(SelectExpiredRefusals, new { source, refusedBefore = RefusedBefore, limit }, cancellationToken: ct))];
    }

    private const string SelectRefusals = """
        SELECT source AS Source, count(*) AS Links, min(fetched_at) AS Oldest FROM crawl_pages
        WHERE outcome = 'refused' GROUP BY source
        """;

    /// <summary>Per source: the linked URLs refused and remembered, and when the oldest is asked again.</summary>
    public async Task<IReadOnlyDictionary<string, RefusedLinks>> RefusalsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Source, long Links, string Oldest)>(new CommandDefinition(SelectRefusals, cancellationToken: ct));
        return rows.ToDictionary(r => r.Source, r => new RefusedLinks(r.Links, DbTime.Parse(r.Oldest) + options.Value.RefusalExpiry), StringComparer.OrdinalIgnoreCase);
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

/// <summary>A source's remembered refusals: how many linked URLs, and when the oldest one is asked again (past: at the next run).</summary>
internal sealed record RefusedLinks(long Links, DateTimeOffset NextRetryAt);
