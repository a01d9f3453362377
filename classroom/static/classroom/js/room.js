// The classroom page: one socket shared by the chat, the whiteboard and the audio.
import { StudentSpeaker, TeacherMicrophone } from "./audio.js";
import { Chat, OnlineList } from "./chat.js";
import { RoomSocket } from "./socket.js";
import { BoardDescription, Whiteboard, fullScreenButton } from "./whiteboard.js";

const config = JSON.parse(document.getElementById("room-config").textContent);
const $ = (id) => document.getElementById(id);
const text = config.text;

let chat;
const socket = new RoomSocket(config.socket, {
  afterId: () => (chat ? chat.lastId : config.lastChatId),
  finalCodes: config.finalCloseCodes,
});
chat = new Chat({
  log: $("chat-log"), form: $("chat-form"), input: $("chat-input"), error: $("chat-error"),
  socket, messagesUrl: config.messages, lastId: config.lastChatId,
  maxLength: config.chatMaxLength, maxLines: config.chatLogLines, text,
});
new OnlineList({ list: $("online-list"), count: $("online-count"), socket, me: config.me, teacher: config.teacher, cardUrl: config.memberCard, text });
const board = new Whiteboard({
  canvas: $("board"), socket, me: config.me, teacher: config.teacher, tools: $("board-tools"), note: $("board-note"), text,
  cursor: $("board-cursor"),
  description: new BoardDescription({ summary: $("board-summary"), list: $("board-texts"), live: $("board-announce"), text: text.board }),
});
fullScreenButton({ area: $("board-area"), button: $("board-fullscreen"), text: text.board });
const audio = config.teacher
  ? new TeacherMicrophone({ socket, workletUrl: config.worklet, startButton: $("audio-start"), stopButton: $("audio-stop"), badge: $("audio-live"), error: $("audio-error"), text })
  : new StudentSpeaker({ socket, workletUrl: config.worklet, listenButton: $("audio-listen"), muteButton: $("audio-mute"), badge: $("audio-live"), text });

const drawAll = $("draw-all");
if (drawAll) {
  drawAll.addEventListener("change", () => socket.send({ type: "draw_permission", all: drawAll.checked }));
  socket.on("state", (state) => { drawAll.checked = state.draw.all; });
  socket.on("draw_permission", (message) => { drawAll.checked = message.all; });
}

const status = $("room-status");
const alertBox = $("room-alert");
let alertTimer = null;

function showAlert(message, { lasting = false, level = "warning" } = {}) {
  clearTimeout(alertTimer);
  alertBox.className = `alert alert-${level}`;
  alertBox.textContent = message;
  if (!lasting) alertTimer = setTimeout(() => alertBox.classList.add("d-none"), 6000);
}

socket.onStatus((state, code) => {
  const live = state === "open";
  chat.setLive(live);
  status.className = `badge fs-6 ${live ? "text-bg-success" : state === "closed" ? "text-bg-danger" : "text-bg-warning"}`;
  status.textContent = live ? text.connected : state === "connecting" ? text.connecting : state === "closed" ? text.closed : text.reconnecting;
  if (live) {
    if (!alertBox.classList.contains("alert-danger")) alertBox.classList.add("d-none");
  } else if (state === "closed") {
    chat.setLive(true);  // no polling either: the server refused us
    showAlert(config.closeReasons[String(code)] || text.fallback, { lasting: true, level: "danger" });
    for (const control of document.querySelectorAll("#classroom button, #classroom input, #classroom textarea")) control.disabled = true;
    $("online-list").replaceChildren();
    $("online-count").textContent = "0";
  } else if (state === "reconnecting") {
    showAlert(text.fallback, { lasting: true });
  }
});
socket.on("error", (message) => showAlert(message.message));
socket.on("pong", () => {});

// Tests and curious teachers can look at the live parts from the console.
window.classroom = { socket, chat, board, audio };
socket.connect();
