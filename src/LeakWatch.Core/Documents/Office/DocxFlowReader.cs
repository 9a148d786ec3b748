using System.Text;
using System.Xml;

namespace LeakWatch.Core.Documents.Office;

/// <summary>The body of a .docx (word/document.xml): paragraphs (text boxes included) and table rows, in order.</summary>
internal sealed class DocxFlowReader : IFlowReader
{
    private const string Main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string Strict = "http://purl.oclc.org/ooxml/wordprocessingml/main";
    private readonly GuardedStream _stream;
    private readonly XmlReader _reader;
    private readonly StringBuilder _paragraph = new();
    private readonly StringBuilder _cell = new();
    private List<string?> _row = [];
    private int _tableDepth;
    private int _paragraphDepth;
    private int _table;
    private bool _inText;

    public DocxFlowReader(OfficePackage package, string part)
    {
        _stream = package.Open(part) ?? throw new InvalidDataException("missing document part");
        _reader = XmlReader.Create(_stream, OfficePackage.XmlSettings);
    }

    public bool Next(out FlowItem item)
    {
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element when IsWord():
                    if (Start(_reader.LocalName, _reader.IsEmptyElement)) continue;
                    break;
                case XmlNodeType.EndElement when IsWord():
                    if (End(_reader.LocalName, out item)) return true;
                    break;
                default:
                    if (_inText && XmlText.IsText(_reader) && _paragraph.Length < XmlText.MaxChars) XmlText.Append(_reader, _paragraph);
                    break;
            }
        }

        item = default;
        return false;
    }

    private bool IsWord() => _reader.NamespaceURI is Main or Strict;

    private bool Start(string name, bool empty)
    {
        switch (name)
        {
            case "t" when !empty:
                _inText = true;
                break;
            case "tab":
                _paragraph.Append(' ');
                break;
            case "br" or "cr":
                _paragraph.Append('\n');
                break;
            case "p" when !empty:
                if (_paragraphDepth++ == 0) _paragraph.Clear();
                else _paragraph.Append(' ');
                break;
            case "tbl" when !empty:
                if (++_tableDepth == 1) _table++;
                break;
            case "tr" when !empty && _tableDepth == 1:
                _row = [];
                break;
            case "tc" when !empty && _tableDepth == 1:
                _cell.Clear();
                break;
        }

        return false;
    }

    private bool End(string name, out FlowItem item)
    {
        item = default;
        switch (name)
        {
            case "t":
                _inText = false;
                break;
            case "p":
                if (--_paragraphDepth > 0) break;
                if (_tableDepth == 0)
                {
                    item = new FlowItem(_paragraph.ToString(), null, 0);
                    return true;
                }

                if (_cell.Length > 0) _cell.Append(' ');
                if (_cell.Length < XmlText.MaxChars) _cell.Append(_paragraph);
                break;
            case "tc" when _tableDepth == 1:
                _row.Add(_cell.ToString());
                break;
            case "tr" when _tableDepth == 1:
                item = new FlowItem(null, _row, _table);
                return true;
            case "tbl":
                _tableDepth--;
                break;
        }

        return false;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}
