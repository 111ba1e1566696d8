#!/usr/bin/env python3
"""Screenshots a node's sidebar in Netron's web app with netcost's attachment loaded.

Serves MODEL with the `netron` package, opens it in headless Chromium, loads the
attachment written by `netcost report MODEL --format netron` through Netron's own
Open dialog (as a user does after opening the model), clicks the node NAME and saves
a PNG of the window. Offline: Netron's app comes from the pip package, and the
browser is driven over the DevTools protocol with the standard library only.

    pip install netron                  # 9.3.3 when this was written
    apt-get install chromium
    netcost report model.onnx --format netron -o model.attachment.json
    python3 scripts/netron_screenshot.py model.onnx model.attachment.json out.png --node "/features/features.0/features.0.0/Conv"
    python3 scripts/netron_screenshot.py model.onnx model.attachment.json totals.png    # the model's properties

Prints the text of the sidebar's Metadata and Metrics sections, so that a run without
a display can still be checked; exits 1 when they are missing.
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """A DevTools-protocol client over one websocket: just enough for this script."""

    def __init__(self, url):
        host, rest = url[len("ws://"):].split("/", 1)
        name, port = host.split(":")
        self.sock = socket.create_connection((name, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET /{rest} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket upgrade refused: {response!r}")
        self.next_id = 0

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        mask = os.urandom(4)
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise RuntimeError("the browser closed the connection")
            data += chunk
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            message += self._read(length)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def wait_for(self, expression, what, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise RuntimeError(f"timed out waiting for {what}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("attachment")
    parser.add_argument("png")
    parser.add_argument("--node", help="the ONNX node's name; without it, the model's properties (netcost's totals)")
    parser.add_argument("--size", default="1400x900", help="window size, WxH")
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()

    import netron  # imported here so that --help works without it

    # Netron's app alone, without a model: when the server names a model, the page
    # opens it and never wires up its Open dialog or drag and drop, so nothing can be
    # opened after it (Netron 9.3.3, browser.js `start`). Both files go through the
    # Open dialog instead, model first, as a user opens them.
    port = free_port()
    netron.start(None, address=("localhost", port), browse=False)
    debug_port = free_port()
    profile = tempfile.mkdtemp(prefix="netron-shot-")
    width, height = args.size.split("x")
    browser = subprocess.Popen([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                f"--remote-debugging-port={debug_port}", f"--user-data-dir={profile}",
                                f"--window-size={width},{height}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://localhost:{debug_port}/json/list") as reply:
                    targets = [t for t in json.load(reply) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        if not targets:
            raise RuntimeError("chromium did not start")
        tools = DevTools(targets[0]["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=int(width), height=int(height), deviceScaleFactor=1, mobile=False)
        # Netron asks for cookie consent before it opens a model (and looks up the
        # country online to decide); the consent cookie it sets itself skips both.
        tools.call("Network.setCookie", name="consent", value=str(int(time.time() * 1000)), url=f"http://localhost:{port}/")
        tools.call("Page.navigate", url=f"http://localhost:{port}/")
        tools.wait_for("!!document.getElementById('open-file-button') && document.body.classList.contains('welcome')"
                       " && !document.body.classList.contains('spinner')", "Netron's welcome page")

        def open_file(path):
            document = tools.call("DOM.getDocument")
            dialog = tools.call("DOM.querySelector", nodeId=document["root"]["nodeId"], selector="#open-file-dialog")
            tools.call("DOM.setFileInputFiles", nodeId=dialog["nodeId"], files=[os.path.abspath(path)])

        open_file(args.model)
        tools.wait_for("!!document.querySelector('.graph-node')", "the model's graph")
        node_id = "node-name-" + (args.node or "")
        if args.node:
            tools.wait_for(f"!!document.getElementById({json.dumps(node_id)})", f"node {args.node} in the graph")
        open_file(args.attachment)
        tools.wait_for("(window.__view__.model.attachment.metrics._entries.size > 0"
                       " || window.__view__.model.attachment.metadata._entries.size > 0) && !document.body.classList.contains('spinner')",
                       "the attachment's entries in the open model")

        if args.node:
            # Select the node as a click does, with the graph scrolled to it.
            tools.evaluate(f"""(() => {{
                const node = document.getElementById({json.dumps(node_id)});
                node.scrollIntoView({{block: 'center', inline: 'center'}});
                const box = node.querySelector('.node-item') || node;
                box.dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
                return true;
            }})()""")
        else:
            tools.evaluate("window.__view__.showModelProperties(), true")
        try:
            text = tools.wait_for("""(() => {
                const sidebar = document.getElementById('sidebar');
                return sidebar && sidebar.innerText.includes('METRICS') ? sidebar.innerText : '';
            })()""", "the node's sidebar with a Metrics section", seconds=20)
        except RuntimeError:
            shot = tools.call("Page.captureScreenshot", format="png")
            with open(args.png + ".failed.png", "wb") as file:
                file.write(base64.b64decode(shot["data"]))
            raise
        time.sleep(0.5)
        shot = tools.call("Page.captureScreenshot", format="png")
        with open(args.png, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        version = tools.evaluate("(document.querySelector('meta[name=version]') || {}).content || ''")
        print(f"Netron {version or netron.__version__}: " + (f"node {args.node}" if args.node else "model properties"))
        print(text)
        return 0
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)
        netron.stop(("localhost", port))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
