#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# A gateway load balancer of our own, for the lab: it sits in its own
# namespace between the client and the server namespaces as their router
# (the kernel does not forward: ip_forward is off there), takes every IP
# packet the two sides send it and hands it to an appliance (vigil) through
# a tunnel, as a cloud balancer would:
#   aws:   GENEVE over UDP 6081, the bare inner IP packet, AWS's three
#          options of class 0x0108: the endpoint id (type 1, 8 bytes), the
#          attachment id (type 2, 8 bytes) and a flow cookie (type 3, 4
#          bytes); a new cookie when a 5-tuple starts again (a SYN after
#          the connection was closed), as GWLB may give one.
#   azure: VXLAN with two tunnels, external (client to server) and
#          internal (server to client), each a UDP port and a VNI; the
#          inner Ethernet frame kept.
# Every packet the appliance returns is checked against the contract:
# aws: from the appliance's address to ours, the UDP ports as sent, the
# GENEVE header and options byte for byte as sent for that inner packet;
# azure: it came back on the other tunnel (port and VNI), the inner frame
# as sent. Passing ones are delivered to their side (Ethernet rewritten as
# a router does); a returned packet that breaks the contract is counted
# and dropped. Flows are spread over the appliances by 5-tuple (sticky);
# each appliance is health-checked (TCP connect to its own address, port
# HEALTH_PORT, every HEALTH_EVERY_S; two failures in a row: unhealthy),
# and an unhealthy appliance's flows move to a healthy one (rebalance).
#
# usage: gwlb_emulator.py MODE STATE_FILE CLIENT_IF SERVER_IF LOCAL_IP APPLIANCE_IP[,...]
# (LOCAL_IP: the emulator's address toward the appliances; GWLB_HEALTH_PORT
# in the environment sets the health-check port, 0 for no health checks)
# STATE_FILE is rewritten (atomically) every 100 ms with the counters and
# each appliance's health; SIGTERM ends it after a last write.
import ipaddress
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import threading
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
GENEVE_PORT = 6081
VXLAN_EXTERNAL, VXLAN_INTERNAL = (10800, 800), (10801, 801)
ENDPOINT_ID, ATTACHMENT_ID = 0x0A1B2C3D4E5F6071, 0x00000000C0FFEE01
HEALTH_PORT = int(os.environ.get("GWLB_HEALTH_PORT", "80"))
HEALTH_EVERY_S = 0.2
HEALTH_TIMEOUT_S = 0.2


def mac_of(ifname):
    with open(f"/sys/class/net/{ifname}/address") as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


class Emulator:
    def __init__(self, mode, state_file, client_if, server_if, local_ip, appliances):
        self.mode, self.state_file = mode, state_file
        self.sides = {}  # ifname -> raw socket
        for ifname in (client_if, server_if):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((ifname, 0))
            self.sides[ifname] = s
        self.client_if, self.server_if = client_if, server_if
        self.if_mac = {ifname: mac_of(ifname) for ifname in self.sides}
        self.own_ips = set()
        self.local_ip = local_ip
        self.appliances = appliances
        self.healthy = {a: True for a in appliances}
        self.failures = {a: 0 for a in appliances}
        self.ports = [GENEVE_PORT] if mode == "aws" else [VXLAN_EXTERNAL[0], VXLAN_INTERNAL[0]]
        self.tunnels = []
        for port in self.ports:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            u.bind((local_ip, port))
            self.tunnels.append(u)
        self.mac_of_ip = {}  # inner addresses seen -> (ifname, mac)
        self.flows = {}  # sorted 5-tuple -> {"cookie", "appliance", "closed"}
        self.sent = {}  # (inner bytes) -> expected tunnel header bytes
        self.counters = {"to_appliance": 0, "returned": 0, "delivered": 0, "contract_broken": 0,
                         "unmatched": 0, "new_cookies": 0, "rebalanced": 0, "no_appliance": 0}
        self.broken_examples = []
        self.lock = threading.Lock()
        self.stopping = False

    # ---- flows ----------------------------------------------------------
    def five_tuple(self, ip):
        version = ip[0] >> 4
        if version == 4:
            ihl = (ip[0] & 15) * 4
            proto, src, dst, l4 = ip[9], ip[12:16], ip[16:20], ip[ihl:]
        else:
            proto, src, dst, l4 = ip[6], ip[8:24], ip[24:40], ip[40:]
        sport = dport = 0
        if proto in (6, 17) and len(l4) >= 4:
            sport, dport = struct.unpack("!HH", l4[:4])
        flags = l4[13] if proto == 6 and len(l4) >= 14 else 0
        a, b = (src, sport), (dst, dport)
        return (proto,) + (a + b if a <= b else b + a), flags

    def flow_of(self, ip):
        key, flags = self.five_tuple(ip)
        f = self.flows.get(key)
        syn_only = flags & 0x02 and not flags & 0x10
        if f is None or (syn_only and f["closed"]):
            if f is not None:
                self.counters["new_cookies"] += 1
            f = {"cookie": random.getrandbits(32), "appliance": None, "closed": False}
            self.flows[key] = f
        if flags & 0x05:  # FIN or RST
            f["closed"] = True
        healthy = [a for a in self.appliances if self.healthy[a]]
        if f["appliance"] is None or not self.healthy[f["appliance"]]:
            if f["appliance"] is not None:
                self.counters["rebalanced"] += 1
            pool = healthy or self.appliances
            f["appliance"] = pool[hash(key) % len(pool)] if healthy else None
        return f

    # ---- to the appliance ---------------------------------------------
    def encapsulate(self, ifname, frame):
        ip = frame[14:]
        f = self.flow_of(ip)
        if f["appliance"] is None:
            self.counters["no_appliance"] += 1
            return
        if self.mode == "aws":
            opts = (struct.pack("!HBBQ", 0x0108, 1, 2, ENDPOINT_ID) +
                    struct.pack("!HBBQ", 0x0108, 2, 2, ATTACHMENT_ID) +
                    struct.pack("!HBBI", 0x0108, 3, 1, f["cookie"]))
            proto = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
            header = struct.pack("!BBH", len(opts) // 4, 0, proto) + b"\x00\x00\x00\x00" + opts
            inner, sock, port = ip, self.tunnels[0], GENEVE_PORT
        else:
            external = ifname == self.client_if
            port, vni = VXLAN_EXTERNAL if external else VXLAN_INTERNAL
            header = struct.pack("!B3xI", 0x08, vni << 8)
            inner, sock = frame, self.tunnels[0 if external else 1]
        with self.lock:
            self.sent.setdefault(inner, []).append(header)
            f.setdefault("headers", set()).add(header)
        sock.sendto(header + inner, (f["appliance"], port))
        self.counters["to_appliance"] += 1

    # ---- from the appliance -------------------------------------------
    def returned(self, sock_index, data, addr):
        self.counters["returned"] += 1
        appliance, sport = addr
        if self.mode == "aws":
            opt_words = data[0] & 0x3F if data else 0
            header, inner = data[:8 + 4 * opt_words], data[8 + 4 * opt_words:]
            want_port = GENEVE_PORT
        else:
            header, inner = data[:8], data[8:]
            # it must come back on the other tunnel: its port (where it
            # arrived) and its VNI; the source port is the appliance's choice
            want_port = self.ports[sock_index]
        with self.lock:
            waiting = self.sent.get(inner)
            expected = waiting.pop(0) if waiting else None
            if waiting == []:
                del self.sent[inner]
        if expected is None:
            self.originated(header, inner, appliance, want_port, data)
            return
        bad = []
        if appliance not in self.appliances:
            bad.append(f"from {appliance}, not an appliance")
        if self.mode == "aws" and sport != GENEVE_PORT:
            bad.append(f"source port {sport}, sent from {GENEVE_PORT} (ports are kept)")
        if self.mode == "aws" and header != expected:
            bad.append("GENEVE header or options changed")
        if self.mode == "azure":
            sent_vni = struct.unpack("!I", expected[4:8])[0] >> 8
            back_port, back_vni = VXLAN_INTERNAL if sent_vni == VXLAN_EXTERNAL[1] else VXLAN_EXTERNAL
            got_vni = struct.unpack("!I", header[4:8])[0] >> 8
            if want_port != back_port or got_vni != back_vni or header[0] != 0x08:
                bad.append(f"came back on {want_port}/{got_vni}, not {back_port}/{back_vni}")
        if bad:
            self.counters["contract_broken"] += 1
            self.broken("; ".join(bad), data)
            return
        self.deliver(inner if self.mode == "aws" else inner[14:])

    def originated(self, header, inner, appliance, arrived_port, data):
        """A packet the appliance made (a reject's RST or ICMP): it must use
        a header the balancer gave that flow (aws), or the tunnel toward its
        destination (azure: the external one toward the client)."""
        ip = inner if self.mode == "aws" else inner[14:]
        ok = appliance in self.appliances and len(ip) >= 20
        proto = ip[9] if ok and ip[0] >> 4 == 4 else ip[6] if ok else 0
        rst = proto == 6 and len(ip) >= (ip[0] & 15) * 4 + 14 and ip[(ip[0] & 15) * 4 + 13] & 0x04
        ok = ok and (rst or proto in (1, 58))
        if ok and self.mode == "aws":
            key, _ = self.five_tuple(ip)
            ok = header in self.flows.get(key, {}).get("headers", ())
        elif ok:
            dst = bytes(ip[16:20])
            to_client = self.mac_of_ip.get(dst, (None,))[0] == self.client_if
            want = VXLAN_EXTERNAL if to_client else VXLAN_INTERNAL
            ok = arrived_port == want[0] and struct.unpack("!I", header[4:8])[0] >> 8 == want[1]
        if not ok:
            self.counters["unmatched"] += 1
            self.broken("not sent, and not a reject in the flow's own header", data)
            return
        self.counters["originated"] = self.counters.get("originated", 0) + 1
        self.deliver(ip)

    def broken(self, why, data):
        if len(self.broken_examples) < 5:
            self.broken_examples.append({"why": why, "head": data[:80].hex()})

    def deliver(self, ip):
        dst = bytes(ip[16:20]) if ip[0] >> 4 == 4 else bytes(ip[24:40])
        where = self.mac_of_ip.get(dst) or self.kernel_neighbour(dst)
        if where is None:
            self.counters["no_neighbour"] = self.counters.get("no_neighbour", 0) + 1
            return
        ifname, mac = where
        ether_type = b"\x08\x00" if ip[0] >> 4 == 4 else b"\x86\xdd"
        self.sides[ifname].send(mac + self.if_mac[ifname] + ether_type + ip)
        self.counters["delivered"] += 1

    def kernel_neighbour(self, addr):
        """A side's host not heard from yet: the namespace's own ARP table (IPv4)."""
        if len(addr) != 4:
            return None
        text = socket.inet_ntoa(addr)
        with open("/proc/net/arp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[0] == text and fields[3] != "00:00:00:00:00:00" and fields[5] in self.sides:
                    self.mac_of_ip[addr] = (fields[5], bytes.fromhex(fields[3].replace(":", "")))
                    return self.mac_of_ip[addr]
        return None

    # ---- from the sides -------------------------------------------------
    def from_side(self, ifname):
        frame, addr = self.sides[ifname].recvfrom(65535)
        if addr[2] == PACKET_OUTGOING or len(frame) < 34:
            return
        ether_type = frame[12:14]
        if ether_type == b"\x08\x00":
            src, dst = frame[26:30], frame[30:34]
        elif ether_type == b"\x86\xdd" and len(frame) >= 54:
            src, dst = frame[22:38], frame[38:54]
            if dst[0] == 0xFF or src[0:2] == b"\xfe\x80":
                return  # neighbour discovery and link-local: the kernel's business
        else:
            return
        self.mac_of_ip[bytes(src)] = (ifname, frame[6:12])
        if frame[0:6] != self.if_mac[ifname] or bytes(dst) in self.own_ips:
            return  # not routed through us, or for us
        self.encapsulate(ifname, frame)

    # ---- health -----------------------------------------------------------
    def health_loop(self):
        while not self.stopping:
            for a in self.appliances:
                ok = True
                try:
                    with socket.create_connection((a, HEALTH_PORT), timeout=HEALTH_TIMEOUT_S):
                        pass
                except OSError:
                    ok = False
                self.failures[a] = 0 if ok else self.failures[a] + 1
                healthy = self.failures[a] < 2
                if healthy != self.healthy[a]:
                    self.healthy[a] = healthy
                    self.counters[f"{a} became {'healthy' if healthy else 'unhealthy'} at"] = time.time()
            time.sleep(HEALTH_EVERY_S)

    def write_state(self):
        state = dict(self.counters, healthy=self.healthy, broken_examples=self.broken_examples,
                     flows=len(self.flows), time=time.time())
        tmp = self.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.rename(tmp, self.state_file)

    def run(self):
        for ifname in self.sides:
            for line in os.popen(f"ip -o addr show dev {ifname}").read().splitlines():
                addr = line.split()[3].split("/")[0]
                self.own_ips.add(ipaddress.ip_address(addr).packed)
        if HEALTH_PORT:
            threading.Thread(target=self.health_loop, daemon=True).start()
        readers = {s.fileno(): ("side", name) for name, s in self.sides.items()}
        readers.update({u.fileno(): ("tunnel", i) for i, u in enumerate(self.tunnels)})
        last_write = 0.0
        while not self.stopping:
            ready, _, _ = select.select(list(readers), [], [], 0.1)
            for fd in ready:
                kind, which = readers[fd]
                if kind == "side":
                    self.from_side(which)
                else:
                    data, addr = self.tunnels[which].recvfrom(65535)
                    self.returned(which, data, addr)
            if time.time() - last_write > 0.1:
                self.write_state()
                last_write = time.time()
        self.write_state()


def main():
    mode, state_file, client_if, server_if, local_ip, appliances = sys.argv[1:7]
    emu = Emulator(mode, state_file, client_if, server_if, local_ip, appliances.split(","))

    def stop(_sig, _frame):
        emu.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emu.run()


if __name__ == "__main__":
    main()
