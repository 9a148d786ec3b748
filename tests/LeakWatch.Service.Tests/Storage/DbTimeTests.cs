using System.Globalization;
using Dapper;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Storage;

public sealed class DbTimeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void DbTime_AnyOffset_IsWrittenAsUtcMillisecondsWithZ()
    {
        var paris = new DateTimeOffset(2026, 11, 30, 9, 5, 7, 123, TimeSpan.FromHours(1)).AddTicks(4567);

        var text = DbTime.Text(paris);

        Assert.Equal("2026-11-30T08:05:07.123Z", text);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 5, 7, 123, TimeSpan.Zero), DbTime.Parse(text));
    }

    [Fact]
    public void DbTime_RoundTripFormatOfOlderCrawlRows_IsStillRead()
    {
        // What crawl state and source health wrote before they used DbTime: ToString("O") of a UTC time.
        var old = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

        var parsed = DbTime.Parse(old.ToString("O", CultureInfo.InvariantCulture));

        Assert.Equal(old, parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Fact]
    public async Task DbTime_OlderAndNewRowsInOneColumn_SortInTimeOrderInSqlite()
    {
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _root }));
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(0, 12).Select(i => start.AddMilliseconds(i * 7_654_321 % 86_400_000)).ToList();
        await using (var connection = await database.OpenAsync())
        {
            for (var i = 0; i < times.Count; i++)
            {
                var text = i % 2 == 0 ? times[i].ToString("O", CultureInfo.InvariantCulture) : DbTime.Text(times[i]);
                await connection.ExecuteAsync("INSERT INTO crawl_seen (source, content_hash, url, seen_at) VALUES ('s', @sha, 'u', @text)", new { sha = i.ToString(CultureInfo.InvariantCulture), text });
            }
        }

        await using var check = await database.OpenAsync();
        var ordered = (await check.QueryAsync<string>("SELECT seen_at FROM crawl_seen ORDER BY seen_at")).Select(DbTime.Parse).ToList();

        Assert.Equal(times.Order(), ordered);
    }

    [Fact]
    public async Task CrawlStateStore_SeenContent_IsWrittenInTheOneFormat()
    {
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _root }));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, 42, TimeSpan.Zero));

        await new CrawlStateStore(database, time, Microsoft.Extensions.Options.Options.Create(new LeakWatch.Service.Crawling.CrawlerOptions())).MarkSeenAsync("s", "abc", "https://forum.example/t/1", CancellationToken.None);

        await using var check = await database.OpenAsync();
        Assert.Equal("2026-11-30T08:00:00.042Z", await check.ExecuteScalarAsync<string>("SELECT seen_at FROM crawl_seen"));
    }
}
