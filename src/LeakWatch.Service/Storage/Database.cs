using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using LeakWatch.Service.Hosting;

namespace LeakWatch.Service.Storage;

/// <summary>
/// Opens connections to the one SQLite file under the data folder. The first open creates the folder and the file,
/// and applies the schema migrations; every connection runs in WAL mode with foreign keys on.
/// </summary>
internal sealed class Database
{
    private readonly string _connectionString;
    private readonly Lazy<Task> _migrated;

    public Database(IOptions<LeakWatchOptions> options)
    {
        Path = options.Value.DatabasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    public string Path { get; }

    /// <summary>For the other users of the same file (Quartz's job store); opening through it applies no migration.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>True once the database file exists; checking it creates nothing.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The database file and its WAL companions, for size reports and for tests that scan every byte at rest.</summary>
    public IEnumerable<string> Files => new[] { Path, Path + "-wal", Path + "-shm" }.Where(File.Exists);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _migrated.Value;
        return await OpenRawAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        // auto_vacuum only takes on a file without tables, so it comes first: it lets a replaced enrollment give its
        // pages back to the file system (incremental_vacuum) instead of leaving the file twice its size.
        // busy_timeout: the service and a verb may share the file; a writer waits instead of failing.
        pragma.CommandText = "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task MigrateAsync()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenRawAsync(CancellationToken.None);
        await Migrator.ApplyAsync(connection, CancellationToken.None);
    }
}
