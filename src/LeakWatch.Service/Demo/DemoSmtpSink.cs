using System.Buffers;
using System.Net;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace LeakWatch.Service.Demo;

/// <summary>
/// The demo's mail server: a real SMTP server (the SmtpServer package) on 127.0.0.1 and a free port that keeps every
/// message in memory and hands it to the demo. Nothing is relayed anywhere.
/// </summary>
internal sealed class DemoSmtpSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop;

    private DemoSmtpSink(SmtpServer.SmtpServer server, CancellationTokenSource stop, Channel<MimeMessage> messages, int port)
    {
        _server = server;
        _stop = stop;
        Messages = messages;
        Port = port;
    }

    public int Port { get; }

    public Channel<MimeMessage> Messages { get; }

    public static async Task<DemoSmtpSink> StartAsync()
    {
        var messages = Channel.CreateUnbounded<MimeMessage>();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.demo.invalid")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(messages.Writer));
        var server = new SmtpServer.SmtpServer(options, services);
        var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        if (await Task.WhenAny(started.Task, running) == running) await running; // surfaces a failure to listen
        return new DemoSmtpSink(server, stop, messages, await started.Task);
    }

    public async ValueTask DisposeAsync()
    {
        Messages.Writer.TryComplete();
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _server.ShutdownTask;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private sealed class Store(ChannelWriter<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            await messages.WriteAsync(await MimeMessage.LoadAsync(stream, cancellationToken), cancellationToken);
            return SmtpResponse.Ok;
        }
    }
}
