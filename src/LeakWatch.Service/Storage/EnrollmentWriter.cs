using System.Buffers.Binary;
using System.Text.Json;
using System.Data.Common;
using Dapper;
using LeakWatch.Core.Fingerprinting;
using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Storage;

/// <summary>
/// Writes one enrollment as it streams in: full chunks go to the database at once, so memory holds one chunk per
/// part plus the distinct set members. The new enrollment stays 'building' (invisible) until <see cref="CommitAsync"/>
/// swaps it for the active one in one transaction; disposed without a commit, it removes what it wrote. While it lives
/// it holds the data folder's enrollment lock, so that another process opening the database knows its rows are not the
/// leftovers of a dead enrollment (<see cref="Database"/> removes those).
/// Not thread-safe: one writer thread feeds it, in patient order.
/// </summary>
internal sealed class EnrollmentWriter : IAsyncDisposable
{
    private const string InsertEnrollment = """
        INSERT INTO enrollments (state, started_at, file_name) VALUES ('building', @startedAt, @fileName) RETURNING id
        """;
    private const string InsertChunk = "INSERT INTO enrollment_chunks (enrollment_id, part, seq, count, data) VALUES (@id, @part, @seq, @count, @data)";
    private const string DeleteOthers = "DELETE FROM enrollments WHERE id <> @id";
    private const string Activate = """
        UPDATE enrollments SET state = 'active', enrolled_at = @enrolledAt, rows_read = @rowsRead, patients = @patients,
            linked_fingerprints = @linked, set_members = @setMembers, rows_skipped = @rowsSkipped,
            skipped_by_reason = @skippedByReason, duration_ms = @durationMs, duplicate_rows = @duplicateRows,
            scheme = @scheme
        WHERE id = @id AND state = 'building'
        """;
    private const string SelectActivePatients = "SELECT patients - duplicate_rows FROM enrollments WHERE state = 'active'";
    private const string DeleteSelf = "DELETE FROM enrollments WHERE id = @id AND state = 'building'";

    private readonly DbConnection _connection;
    private readonly IDisposable _lock;
    // The references seen so far, by their low 64 bits (a collision would only miscount, never merge fingerprints):
    // rows repeating an identifier are one patient, counted, and the refusal rules compare distinct patients.
    private readonly HashSet<ulong> _references = [];
    private readonly DbCommand _insertChunk;
    private readonly string _fileName;
    private readonly int _chunkEntries;
    private readonly byte[] _patients;
    private readonly byte[] _linkedKeys;
    private readonly byte[] _linkedOrdinals;
    private readonly HashSet<ulong> _setMembers = [];
    private int _patientsInChunk;
    private int _patientChunks;
    private int _linkedInChunk;
    private int _linkedOrdinalBytes;
    private int _previousOrdinalInChunk;
    private int _linkedChunks;
    private bool _committed;

    private EnrollmentWriter(DbConnection connection, IDisposable enrollmentLock, long id, string fileName, int chunkEntries)
    {
        _connection = connection;
        _lock = enrollmentLock;
        Id = id;
        _fileName = fileName;
        _chunkEntries = chunkEntries;
        _patients = new byte[chunkEntries * Fingerprint.Size];
        _linkedKeys = new byte[chunkEntries * sizeof(ulong)];
        _linkedOrdinals = new byte[chunkEntries * 5];
        // Prepared once and reused: a few hundred BLOB inserts per million patients, no Dapper mapping needed.
        _insertChunk = connection.CreateCommand();
        _insertChunk.CommandText = InsertChunk;
        AddParameter("id", System.Data.DbType.Int64).Value = id;
        AddParameter("part", System.Data.DbType.Int64);
        AddParameter("seq", System.Data.DbType.Int64);
        AddParameter("count", System.Data.DbType.Int64);
        AddParameter("data", System.Data.DbType.Binary);
    }

    private DbParameter AddParameter(string name, System.Data.DbType type)
    {
        var parameter = _insertChunk.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        _insertChunk.Parameters.Add(parameter);
        return parameter;
    }

    public long Id { get; }

    public int Patients { get; private set; }

    public long LinkedFingerprints { get; private set; }

    public int SetMembers => _setMembers.Count;

    /// <summary>Patients added whose reference an earlier row already had: the same patient, enrolled once.</summary>
    public int DuplicateRows { get; private set; }

    public int DistinctPatients => Patients - DuplicateRows;

    internal static async Task<EnrollmentWriter> BeginAsync(Database database, string fileName, DateTimeOffset startedAt, int chunkEntries, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkEntries, 1);
        // Opened first: opening removes a dead enrollment's leftovers, which needs the lock free.
        var connection = await database.OpenAsync(cancellationToken);
        IDisposable? enrollmentLock = null;
        try
        {
            enrollmentLock = database.LockEnrollment();
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                InsertEnrollment, new { startedAt = DbTime.Text(startedAt), fileName }, cancellationToken: cancellationToken));
            return new EnrollmentWriter(connection, enrollmentLock, id, fileName, chunkEntries);
        }
        catch
        {
            enrollmentLock?.Dispose();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds a patient; returns its ordinal, which its linked fingerprints carry.</summary>
    public int AddPatient(Fingerprint reference)
    {
        if (!_references.Add((ulong)reference.Value)) DuplicateRows++;
        reference.Write(_patients.AsSpan(_patientsInChunk * Fingerprint.Size));
        _patientsInChunk++;
        if (_patientsInChunk == _chunkEntries) FlushPatients();
        return Patients++;
    }

    /// <summary>Adds a linked fingerprint of the patient <paramref name="ordinal"/>; ordinals must not go down.</summary>
    public void AddLinked(ulong key, int ordinal)
    {
        if (ordinal < _previousOrdinalInChunk || ordinal >= Patients) throw new ArgumentOutOfRangeException(nameof(ordinal), "Linked fingerprints are written in patient order.");
        BinaryPrimitives.WriteUInt64LittleEndian(_linkedKeys.AsSpan(_linkedInChunk * sizeof(ulong)), key);
        _linkedOrdinalBytes += ChunkFormat.WriteVarint(_linkedOrdinals.AsSpan(_linkedOrdinalBytes), (uint)(ordinal - _previousOrdinalInChunk));
        _previousOrdinalInChunk = ordinal;
        _linkedInChunk++;
        LinkedFingerprints++;
        if (_linkedInChunk == _chunkEntries) FlushLinked();
    }

    public void AddSetMember(ulong key) => _setMembers.Add(key);

    /// <summary>The distinct patients of the active enrollment, or null when there is none.</summary>
    public async Task<long?> GetActivePatientsAsync(CancellationToken cancellationToken) =>
        await _connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectActivePatients, cancellationToken: cancellationToken));

    /// <summary>Writes what is pending and makes this enrollment the active one, deleting the previous, in one transaction.</summary>
    /// <param name="alsoInTransaction">Writes that must commit with the enrollment or not at all (the canaries' shadow flags).</param>
    public async Task<EnrollmentInfo> CommitAsync(EnrollmentTotals totals, DateTimeOffset enrolledAt, CancellationToken cancellationToken,
        Func<DbConnection, DbTransaction, CancellationToken, Task>? alsoInTransaction = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_patientsInChunk > 0) FlushPatients();
        if (_linkedInChunk > 0) FlushLinked();
        WriteSetMembers();

        var skipped = totals.SkippedByReason.Values.Sum();
        await using (var tx = await _connection.BeginTransactionAsync(cancellationToken))
        {
            await _connection.ExecuteAsync(new CommandDefinition(DeleteOthers, new { id = Id }, tx, cancellationToken: cancellationToken));
            var updated = await _connection.ExecuteAsync(new CommandDefinition(Activate, new
            {
                id = Id,
                enrolledAt = DbTime.Text(enrolledAt),
                rowsRead = totals.RowsRead,
                patients = Patients,
                linked = LinkedFingerprints,
                setMembers = SetMembers,
                rowsSkipped = skipped,
                skippedByReason = JsonSerializer.Serialize(totals.SkippedByReason),
                durationMs = (long)totals.Duration.TotalMilliseconds,
                duplicateRows = DuplicateRows,
                scheme = FingerprintScheme.Current,
            }, tx, cancellationToken: cancellationToken));
            if (updated != 1) throw new InvalidOperationException("Another enrollment ran at the same time and replaced this one; run enroll again.");
            if (alsoInTransaction is not null) await alsoInTransaction(_connection, tx, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        _committed = true;

        // Give the old enrollment's pages back and empty the WAL, so re-enrolling does not grow the files
        // (PostgreSQL's autovacuum does the same on its own).
        if (_connection is SqliteConnection)
        {
            await _connection.ExecuteAsync("PRAGMA incremental_vacuum");
            await _connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        return new EnrollmentInfo(Id, enrolledAt, _fileName, totals.RowsRead, Patients, LinkedFingerprints, SetMembers, skipped,
            totals.SkippedByReason, totals.Duration, DuplicateRows);
    }

    private void FlushPatients()
    {
        WriteChunk(ChunkFormat.PatientsPart, _patientChunks++, _patientsInChunk, _patients.AsSpan(0, _patientsInChunk * Fingerprint.Size));
        _patientsInChunk = 0;
    }

    private void FlushLinked()
    {
        var seq = _linkedChunks++;
        WriteChunk(ChunkFormat.LinkedKeysPart, seq, _linkedInChunk, _linkedKeys.AsSpan(0, _linkedInChunk * sizeof(ulong)));
        WriteChunk(ChunkFormat.LinkedPatientsPart, seq, _linkedInChunk, _linkedOrdinals.AsSpan(0, _linkedOrdinalBytes));
        _linkedInChunk = 0;
        _linkedOrdinalBytes = 0;
        _previousOrdinalInChunk = 0;
    }

    private void WriteSetMembers()
    {
        var buffer = new byte[Math.Min(_setMembers.Count, _chunkEntries) * sizeof(ulong)];
        int inChunk = 0, seq = 0;
        foreach (var member in _setMembers)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(inChunk * sizeof(ulong)), member);
            if (++inChunk == _chunkEntries)
            {
                WriteChunk(ChunkFormat.SetMembersPart, seq++, inChunk, buffer);
                inChunk = 0;
            }
        }
        if (inChunk > 0) WriteChunk(ChunkFormat.SetMembersPart, seq, inChunk, buffer.AsSpan(0, inChunk * sizeof(ulong)));
    }

    private void WriteChunk(int part, int seq, int count, ReadOnlySpan<byte> data)
    {
        _insertChunk.Parameters[1].Value = (long)part;
        _insertChunk.Parameters[2].Value = (long)seq;
        _insertChunk.Parameters[3].Value = (long)count;
        _insertChunk.Parameters[4].Value = data.ToArray();
        _insertChunk.ExecuteNonQuery();
    }


    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_committed)
            {
                // Best effort: a crash leaves the rows behind, and the next commit deletes them with the old enrollment.
                await _connection.ExecuteAsync(DeleteSelf, new { id = Id });
                if (_connection is SqliteConnection) await _connection.ExecuteAsync("PRAGMA incremental_vacuum");
            }
        }
        catch (DbException)
        {
        }
        finally
        {
            await _insertChunk.DisposeAsync();
            await _connection.DisposeAsync();
            _lock.Dispose();
        }
    }
}
