using Dapper;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Tests.Storage;

public sealed class MigratorTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));

    /// <summary>
    /// Two processes start together on a new database: both read that nothing is applied, one applies everything first.
    /// The second finds each migration done once it holds the write lock, instead of failing on the first one.
    /// </summary>
    [Fact]
    public async Task Apply_AnotherConnectionMigratedAfterTheListWasRead_SkipsWhatItFindsDone()
    {
        Directory.CreateDirectory(_folder);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "leakwatch.db"), Pooling = false }.ToString();
        await using var late = new SqliteConnection(connectionString);
        await late.OpenAsync();

        await Migrator.ApplyAsync(late, DatabaseProvider.Sqlite, async () =>
        {
            await using var first = new SqliteConnection(connectionString);
            await first.OpenAsync();
            await Migrator.ApplyAsync(first, CancellationToken.None);
        }, CancellationToken.None);

        var versions = await late.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version");
        Assert.Equal(Migrator.All.Select(m => m.Version), versions);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
