using LeakWatch.Service.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Storage;

/// <summary>
/// Opens connections to the one SQLite file under the data folder. The first open creates the folder and the file,
/// applies the schema migrations that are missing and removes what an enrollment that died (killed, disk full) left
/// behind; every connection runs in WAL mode with foreign keys on. An up-to-date database with nothing to clean is
/// opened without writing, so the verbs that only read work on a full disk.
/// </summary>
internal sealed class Database
{
    private const string CountLeftovers = "SELECT count(*) FROM enrollments WHERE state = 'building'";
    private const string DeleteLeftovers = "DELETE FROM enrollments WHERE state = 'building'";

    private readonly string _connectionString;
    private readonly Lazy<Task> _prepared;
    private readonly string _pragmas;

    public Database(IOptions<StorageOptions> options)
    {
        Path = options.Value.DatabasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _prepared = new Lazy<Task>(PrepareAsync);
        // auto_vacuum only takes on a file without tables, so it comes first: it lets a replaced enrollment give its
        // pages back to the file system (incremental_vacuum) instead of leaving the file twice its size.
        // busy_timeout: the service and a verb may share the file; a writer waits instead of failing.
        // On a database that already has them, none of these writes anything.
        _pragmas = "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
        if (options.Value.MaxDatabaseMegabytes > 0)
        {
            // Pages of 4 KiB (SQLite's default): past the ceiling SQLite answers SQLITE_FULL, as a full disk does.
            _pragmas += " PRAGMA max_page_count=" + (options.Value.MaxDatabaseMegabytes * 256L).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
        }
    }

    public string Path { get; }

    /// <summary>For the other users of the same file (Quartz's job store); opening through it applies no migration.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>True once the database file exists; checking it creates nothing.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The database file and its WAL companions, for size reports and for tests that scan every byte at rest.</summary>
    public IEnumerable<string> Files => new[] { Path, Path + "-wal", Path + "-shm" }.Where(File.Exists);

    /// <summary>Held by the process that builds an enrollment; while it is held, a 'building' enrollment is alive.</summary>
    private string EnrollmentLockPath => Path + ".lock";

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _prepared.Value;
        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the right to build an enrollment, or says plainly that another process is building one. The claim is an
    /// operating-system lock on a file, so it ends with the process however the process ends.
    /// </summary>
    public IDisposable LockEnrollment()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            return new FileStream(EnrollmentLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (!StorageFailure.IsDiskFull(e))
        {
            throw new LeakWatchException("Another enrollment is running on this data folder; wait for it to finish, then run enroll again.");
        }
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        try
        {
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (StorageFailure.CannotWrite(e) && connection.State == System.Data.ConnectionState.Open)
        {
            // A full or read-only disk on a database that already has its settings (WAL among them): the settings
            // cannot be re-asserted, but reading needs none of them; a write on this connection fails on its own.
            pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        return connection;
    }

    private async Task PrepareAsync()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenRawAsync(CancellationToken.None);
        await Migrator.ApplyAsync(connection, CancellationToken.None);
        await RemoveLeftoversAsync(connection);
    }

    /// <summary>
    /// A 'building' enrollment whose process is gone (no one holds the lock) is dead: its chunks are deleted and their
    /// pages given back, so a killed enrollment does not grow the file for good. On a full or read-only disk this
    /// cannot happen now; it is left for a later open and the verb goes on, since reading does not need it.
    /// </summary>
    private async Task RemoveLeftoversAsync(SqliteConnection connection)
    {
        using (var count = connection.CreateCommand())
        {
            count.CommandText = CountLeftovers;
            if (Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0) return;
        }
        FileStream claim;
        try
        {
            claim = new FileStream(EnrollmentLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // an enrollment is running (or the folder is read-only): its rows are not leftovers
        }
        await using (claim)
        {
            try
            {
                using var delete = connection.CreateCommand();
                delete.CommandText = DeleteLeftovers + "; PRAGMA incremental_vacuum;";
                await delete.ExecuteNonQueryAsync();
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync();
            }
            catch (SqliteException e) when (StorageFailure.CannotWrite(e))
            {
                // Full, read-only or failing disk: the leftovers stay until an open that can write.
            }
        }
    }
}
