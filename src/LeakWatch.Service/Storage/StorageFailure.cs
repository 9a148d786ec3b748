using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Storage;

/// <summary>
/// What a storage failure means for the person at the keyboard: one sentence naming the cause and the remedy. The
/// database is transactional, so each of these leaves the previous state whole; the messages say so.
/// </summary>
internal static class StorageFailure
{
    private const int SqliteFull = 13;
    private const int SqliteReadOnly = 8;
    private const int SqliteCantOpen = 14;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    // ENOSPC on Linux, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private const int Enospc = 28;
    private const int ErrorDiskFull = 112;
    private const int ErrorHandleDiskFull = 39;

    public static bool IsDiskFull(IOException exception) =>
        (exception.HResult & 0xFFFF) is Enospc or ErrorDiskFull or ErrorHandleDiskFull;

    /// <summary>The disk is full, read-only or failing: nothing can be written now, though reading may still work.</summary>
    public static bool CannotWrite(SqliteException exception) => exception.SqliteErrorCode is SqliteFull or SqliteReadOnly or SqliteIoError;

    /// <summary>
    /// PostgreSQL: the server's own message (it names the object and the cause, never the password), or why it could not
    /// be reached. A failed statement rolled its transaction back, so nothing was changed.
    /// </summary>
    public static string Describe(Npgsql.NpgsqlException exception) => exception is Npgsql.PostgresException server
        ? "the PostgreSQL database refused the operation (" + server.SqlState + ": " + server.MessageText + "); nothing was changed."
        : "the PostgreSQL server cannot be reached or failed (" + exception.Message + "); nothing was changed. " +
          "Check that it is up and the connection string (LeakWatch:Database:ConnectionStringFile).";

    public static string Describe(SqliteException exception) => exception.SqliteErrorCode switch
    {
        SqliteFull => "the disk is full (the database could not grow); nothing was changed and the previous enrollment is still active. " +
            "Free space on the file system of the data folder (LeakWatch:DataDirectory) and run the command again.",
        SqliteReadOnly => "the database is read-only for this account; nothing was changed. " +
            "Give this account write access to the data folder (LeakWatch:DataDirectory) and its leakwatch.db files, or run LeakWatch as their owner.",
        SqliteCantOpen => "the database cannot be opened: the data folder (LeakWatch:DataDirectory) is missing, read-only (SQLite writes its WAL files beside the database, even to read) " +
            "or not readable by this account. Mount its disk read-write and give this account write access to the folder.",
        SqliteIoError => "the database could not be read or written (disk error); nothing was changed. Check the disk of the data folder (LeakWatch:DataDirectory) and its free space.",
        SqliteCorrupt or SqliteNotADatabase => "leakwatch.db in the data folder is damaged or is not a LeakWatch database. Restore it from a backup, or point LeakWatch:DataDirectory elsewhere and enroll again.",
        SqliteBusy or SqliteLocked => "the database is busy (another LeakWatch process holds it); run the command again when it has finished.",
        _ => "the database failed (SQLite error " + exception.SqliteErrorCode + "); nothing was changed.",
    };
}
