package io.paperalerts.ingest.format;

import io.paperalerts.schemas.Paper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams the repeated elements of an XML feed ({@code entry} in Atom, {@code item} in RSS) as
 * small element trees, so that a document broken in the middle still yields the entries before
 * the break. No DTDs or external entities are read.
 */
final class XmlEntries {

    /** An element: its local name, attributes, text and children, enough for feeds. */
    record Element(String namespace, String name, Map<String, String> attributes, String text, List<Element> children) {

        Element child(String localName) {
            return children.stream()
                    .filter(c -> c.name.equals(localName))
                    .findFirst()
                    .orElse(null);
        }

        List<Element> all(String localName) {
            return children.stream().filter(c -> c.name.equals(localName)).toList();
        }

        String childText(String localName) {
            Element child = child(localName);
            return child == null ? null : child.text;
        }
    }

    /** What a pass over the document gave: the elements, the outer element's direct fields, and the error if it broke. */
    record Result(List<Element> entries, Element header, String error) {}

    private static final Set<String> CONTAINERS = Set.of("feed", "rss", "channel", "RDF", "OAI-PMH", "ListRecords");

    private XmlEntries() {}

    static Result read(byte[] content, String entryName) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        List<Element> entries = new ArrayList<>();
        List<Element> header = new ArrayList<>();
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new ByteArrayInputStream(content));
            while (reader.hasNext()) {
                if (reader.next() != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                String name = reader.getLocalName();
                if (name.equals(entryName)) {
                    entries.add(element(reader));
                } else if (!CONTAINERS.contains(name)) {
                    // Feed-level fields (title, updated, pubDate, ...), read whole.
                    header.add(element(reader));
                }
            }
            return new Result(entries, new Element("", "header", Map.of(), "", header), null);
        } catch (XMLStreamException | RuntimeException e) {
            String where = reader != null && reader.getLocation() != null
                    ? " at line " + reader.getLocation().getLineNumber()
                    : "";
            return new Result(
                    entries,
                    new Element("", "header", Map.of(), "", header),
                    "malformed XML" + where + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected end";
        }
        String line = message.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("ParseError"))
                .findFirst()
                .orElse(message);
        return line.replaceFirst("^Message: ", "").strip();
    }

    private static Element element(XMLStreamReader reader) throws XMLStreamException {
        String namespace = reader.getNamespaceURI() == null ? "" : reader.getNamespaceURI();
        String name = reader.getLocalName();
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
        }
        StringBuilder text = new StringBuilder();
        List<Element> children = new ArrayList<>();
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> children.add(element(reader));
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    text.append(reader.getText());
                case XMLStreamConstants.END_ELEMENT -> {
                    return new Element(namespace, name, attributes, text.toString(), children);
                }
                case XMLStreamConstants.END_DOCUMENT ->
                    throw new XMLStreamException("document ends inside <" + name + ">");
                default -> {}
            }
        }
    }

    /**
     * Reads each repeated element as a paper; one that is not a paper is rejected with its
     * position, and a document broken in the middle ends with a rejection of the rest.
     *
     * @param toPaper throws IllegalArgumentException naming the problem; returns null to skip
     */
    static List<PaperEntry> papers(byte[] content, String entryName, String label, Function<Element, Paper> toPaper) {
        Result result = read(content, entryName);
        List<PaperEntry> entries = new ArrayList<>();
        int n = 0;
        for (Element element : result.entries()) {
            String position = label + " " + ++n;
            try {
                Paper paper = toPaper.apply(element);
                if (paper != null) {
                    entries.add(new PaperEntry.Parsed(position, PaperLimits.check(paper)));
                }
            } catch (IllegalArgumentException e) {
                entries.add(
                        new PaperEntry.Rejected(position, position + ": " + e.getMessage(), utf8(describe(element))));
            }
        }
        if (result.error() != null) {
            String position = label + " " + (n + 1);
            entries.add(new PaperEntry.Rejected(position, position + ": " + result.error(), new byte[0]));
        }
        return entries;
    }

    /** A short account of an element for the rejected topic: its id and title, or its header's identifier. */
    static String describe(Element element) {
        Element header = element.child("header");
        String id = header != null
                ? header.childText("identifier")
                : element.childText("id") != null ? element.childText("id") : element.childText("guid");
        return "<" + element.name() + "> " + PaperLimits.oneLine(String.valueOf(id)) + " "
                + PaperLimits.oneLine(String.valueOf(element.childText("title")));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
