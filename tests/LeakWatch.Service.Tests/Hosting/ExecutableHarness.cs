using System.Diagnostics;
using LeakWatch.Service.Tests.Enrollment;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>
/// Runs the built `leakwatch` executable as a person does (a process of its own, settings from the environment,
/// standard input and output), in a fresh folder with its own data folder and key file.
/// </summary>
internal sealed class ExecutableHarness : IDisposable
{
    private readonly CliHarness _folders = new();

    public string Root => _folders.Root;

    public string DataDirectory
    {
        get => _folders.DataDirectory;
        set => _folders.DataDirectory = value;
    }

    public string KeyFile
    {
        get => _folders.KeyFile;
        set => _folders.KeyFile = value;
    }

    public string DatabasePath => _folders.DatabasePath;

    /// <summary>Extra environment variables (LeakWatch__Section__Key=value).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>A command the executable is run through (e.g. setpriv to run it as another user); empty runs it directly.</summary>
    public IReadOnlyList<string> RunThrough { get; set; } = [];

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<CliResult> RunWithInputAsync(string? input, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error, []);
    }

    /// <summary>Starts the executable and leaves it running (its output is discarded), e.g. to kill it midway.</summary>
    public Process Start(params string[] args)
    {
        var start = StartInfo(args);
        start.RedirectStandardOutput = start.RedirectStandardError = start.RedirectStandardInput = false;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(start)!;
    }

    /// <summary>Starts the executable and leaves it running, its output and error read line by line as they come.</summary>
    public RunningExecutable StartReading(params string[] args) => new(Process.Start(StartInfo(args))!);

    private ProcessStartInfo StartInfo(string[] args)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "leakwatch.dll");
        var start = new ProcessStartInfo(RunThrough.Count > 0 ? RunThrough[0] : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var arg in RunThrough.Skip(1)) start.ArgumentList.Add(arg);
        if (RunThrough.Count > 0) start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(executable);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LeakWatch__DataDirectory"] = DataDirectory;
        start.Environment["LeakWatch__KeyFile"] = KeyFile;
        start.Environment.Remove("LEAKWATCH_KEY");
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        return start;
    }

    /// <summary>Bytes of every file under the data folder (database, WAL, lock...).</summary>
    public long DataFolderBytes() =>
        Directory.Exists(DataDirectory) ? Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>The labels of the values found in the result's output and error, and in every file of the data folder.</summary>
    public List<string> FindValues(PlaintextScanner values, CliResult result)
    {
        var found = values.Find(result.Out);
        found.AddRange(values.Find(result.Error));
        if (Directory.Exists(DataDirectory))
        {
            // The test's own pooled connections closed first: their last close folds the WAL into the database and
            // removes it, which otherwise may happen between listing a file and reading it.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories))
            {
                found.AddRange(values.Find(File.ReadAllBytes(file)).Select(v => Path.GetFileName(file) + ": " + v));
            }
        }
        return found;
    }

    public void Dispose() => _folders.Dispose();
}

/// <summary>A running executable whose lines (output and error) can be awaited; killed with its children when disposed.</summary>
internal sealed class RunningExecutable : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiting = [];

    public RunningExecutable(Process process)
    {
        _process = process;
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Text
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    /// <summary>The first line (already read or to come) that matches; fails when the process exits first or after two minutes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
            _waiting.Add((match, found));
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exited = _process.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(found.Task, exited) == found.Task) return await found.Task;
        if (!_process.HasExited) throw new TimeoutException($"no line awaited within two minutes; the output so far:\n{Text}");
        // Exited: its last lines may still be on their way.
        await _process.WaitForExitAsync(CancellationToken.None);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
        }
        throw new InvalidOperationException($"the process ended without the line awaited; its output:\n{Text}");
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiting in _waiting.Where(w => w.Match(line)).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Found.TrySetResult(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
