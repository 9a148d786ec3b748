using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1, in process. It can be stopped and started again on the
/// same port, to play an outage. A message is stored before the server answers 250, so when the client's send returns
/// the bytes are here: no waiting.
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly string? _user;
    private readonly string? _password;
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;

    private SmtpTestServer(string? user, string? password)
    {
        _user = user;
        _password = password;
    }

    public int Port { get; private set; }

    /// <summary>Every message accepted, as the raw bytes of its DATA.</summary>
    public ConcurrentQueue<byte[]> Messages { get; } = new();

    public ConcurrentQueue<string> AuthenticatedUsers { get; } = new();

    public bool IsRunning => _server is not null;

    public static async Task<SmtpTestServer> StartAsync(string? user = null, string? password = null)
    {
        var server = new SmtpTestServer(user, password);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (_server is not null) return;
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(b => b
                .Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                .AllowUnsecureAuthentication(true)
                .AuthenticationRequired(_user is not null))
            .Build();
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(Messages));
        services.Add(new DelegatingUserAuthenticator((user, password) =>
        {
            var ok = user == _user && password == _password;
            if (ok) AuthenticatedUsers.Enqueue(user);
            return ok;
        }));

        _stop = new CancellationTokenSource();
        _server = new SmtpServer.SmtpServer(options, services);
        var running = _server.StartAsync(_stop.Token);
        var first = await Task.WhenAny(started.Task, running);
        if (first == running) await running; // surfaces a failure to listen
        Port = await started.Task;
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is null) return;
        _server.Shutdown();
        await _stop!.CancelAsync();
        try
        {
            await _server.ShutdownTask;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class Store(ConcurrentQueue<byte[]> messages) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            messages.Enqueue(buffer.ToArray());
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
